// Attention flow (Abnar & Zuidema 2020): attention as a flow network through the layers, the
// max-flow from each input token to the analysed token at the top.

#include "LensRun.h"

#include "tessera/core/Error.h"
#include "tessera/core/Lens.h"

#include <algorithm>
#include <limits>
#include <queue>

namespace tessera::lens {

namespace {

// Dinic's max-flow over float capacities; the graph is built once and reset for every source.
class FlowNetwork {
public:
    explicit FlowNetwork(int nodes) : m_first(size_t(nodes), -1), m_level(size_t(nodes)), m_next(size_t(nodes)) {}

    void addEdge(int from, int to, double capacity)
    {
        m_edges.push_back({to, m_first[size_t(from)], capacity, 0.0});
        m_first[size_t(from)] = int(m_edges.size()) - 1;
        m_edges.push_back({from, m_first[size_t(to)], 0.0, 0.0});
        m_first[size_t(to)] = int(m_edges.size()) - 1;
    }

    double maxFlow(int source, int sink)
    {
        for (Edge &e : m_edges)
            e.flow = 0.0;
        double total = 0.0;
        while (levels(source, sink)) {
            std::copy(m_first.begin(), m_first.end(), m_next.begin());
            for (double pushed; (pushed = push(source, sink, std::numeric_limits<double>::infinity())) > kEpsilon;)
                total += pushed;
        }
        return total;
    }

private:
    static constexpr double kEpsilon = 1e-12;
    struct Edge {
        int to, next;
        double capacity, flow;
    };

    bool levels(int source, int sink)
    {
        std::fill(m_level.begin(), m_level.end(), -1);
        std::queue<int> queue;
        m_level[size_t(source)] = 0;
        queue.push(source);
        while (!queue.empty()) {
            const int v = queue.front();
            queue.pop();
            for (int e = m_first[size_t(v)]; e >= 0; e = m_edges[size_t(e)].next) {
                const Edge &edge = m_edges[size_t(e)];
                if (m_level[size_t(edge.to)] < 0 && edge.capacity - edge.flow > kEpsilon) {
                    m_level[size_t(edge.to)] = m_level[size_t(v)] + 1;
                    queue.push(edge.to);
                }
            }
        }
        return m_level[size_t(sink)] >= 0;
    }

    double push(int v, int sink, double limit)
    {
        if (v == sink)
            return limit;
        for (int &e = m_next[size_t(v)]; e >= 0; e = m_edges[size_t(e)].next) {
            Edge &edge = m_edges[size_t(e)];
            if (m_level[size_t(edge.to)] != m_level[size_t(v)] + 1 || edge.capacity - edge.flow <= kEpsilon)
                continue;
            const double pushed = push(edge.to, sink, std::min(limit, edge.capacity - edge.flow));
            if (pushed > kEpsilon) {
                edge.flow += pushed;
                m_edges[size_t(e ^ 1)].flow -= pushed;
                return pushed;
            }
        }
        return 0.0;
    }

    std::vector<Edge> m_edges;
    std::vector<int> m_first, m_level, m_next;
};

} // namespace

AttentionFlow attentionFlow(const Model &model, const ModelInputs &inputs, const Metric &metric, JobContext *context)
{
    const detail::lens::Item item = detail::lens::prepare(model, inputs, metric, "attention-flow");
    detail::lens::step(context, 0.0, "attention");
    CaptureOptions capture;
    capture.hiddenStates = false;
    const ModelOutputs outputs = model.run(item.inputs, capture);
    const int64_t layers = item.info->config.layers;
    std::vector<torch::Tensor> mixed;
    for (int64_t l = 0; l < layers; ++l) {
        const auto it = outputs.find("attentions." + std::to_string(l));
        if (it == outputs.end())
            throw Error("attention-flow: the run gave no attentions." + std::to_string(l));
        const torch::Tensor a = detail::lens::toTensor(it->second)[0].mean(0).to(torch::kFloat64); // [n, n]
        torch::Tensor m = 0.5 * a + 0.5 * torch::eye(a.size(0), torch::kFloat64);
        mixed.push_back((m / m.sum(-1, true)).contiguous());
    }
    const int n = int(mixed.front().size(0));
    FlowNetwork network((int(layers) + 1) * n);
    for (int l = 0; l < int(layers); ++l) {
        const double *a = mixed[size_t(l)].data_ptr<double>();
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (a[i * n + j] > 0.0)
                    network.addEdge(l * n + j, (l + 1) * n + i, a[i * n + j]);
    }
    AttentionFlow out;
    out.subject = detail::lens::subjectOf(item, metric);
    out.subject.target = -1;
    out.flow.shape = {n};
    const int sink = int(layers) * n + int(item.position);
    for (int j = 0; j < n; ++j) {
        detail::lens::step(context, double(j) / double(n), "token " + std::to_string(j + 1));
        out.flow.values.push_back(float(network.maxFlow(j, sink)));
    }
    detail::lens::step(context, 1.0, "done");
    return out;
}

} // namespace tessera::lens
