// Training step time of the tiny GPT (gpt-text) and tiny BERT (bert-text) recipes: forward,
// backward, gradient norms, clipping and AdamW, as the studio runs them (snapshots, held-out
// evaluation and checkpoints pushed past the end so that only steps are timed).
// bench_training.py runs the identical models in Python PyTorch on the same shapes.
// Usage: bench_training TEXT_FILE THREADS STEPS
// Prints per recipe: median and min milliseconds per step over the steps after the first 10.

#include "tessera/core/Job.h"
#include "tessera/core/Runtime.h"
#include "tessera/core/Training.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

int main(int argc, char **argv)
{
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_training TEXT_FILE THREADS STEPS\n");
        return 2;
    }
    const std::string text = argv[1];
    const int threads = std::atoi(argv[2]);
    const int steps = std::atoi(argv[3]);
    const tessera::RuntimeInfo runtime = tessera::configureRuntime(threads);
    std::printf("runtime: LibTorch %s, %s · %d threads\n", runtime.torchVersion.c_str(), runtime.blasName.c_str(),
                runtime.threads);
    for (const char *recipe : {"gpt-text", "bert-text"}) {
        const std::filesystem::path folder =
            std::filesystem::temp_directory_path() / ("tessera-bench-train-" + std::string(recipe));
        std::filesystem::remove_all(folder);
        tessera::TrainingOptions o;
        o.recipe = recipe;
        o.textFile = text;
        o.outputFolder = folder.string();
        o.steps = steps;
        o.snapshotEvery = steps + 1;
        o.evaluateEvery = steps + 1;
        o.checkpointEvery = steps + 1;
        tessera::BasicJobContext context;
        std::vector<double> seconds;
        const tessera::TrainingOptions resolved = tessera::resolveOptions(o);
        tessera::train(o, context, [&](const tessera::TrainingReport &report) {
            for (const auto &point : report.points)
                seconds.push_back(point.seconds);
        });
        std::vector<double> step;
        for (size_t i = 11; i < seconds.size(); ++i)
            step.push_back(1000.0 * (seconds[i] - seconds[i - 1]));
        std::sort(step.begin(), step.end());
        std::printf("%-10s tessera  batch %lld x %lld tokens, %lld layers x %lld hidden: median %7.2f ms/step  min "
                    "%7.2f  (%zu steps)\n",
                    recipe, static_cast<long long>(resolved.batchSize), static_cast<long long>(resolved.sequenceLength),
                    static_cast<long long>(resolved.layers), static_cast<long long>(resolved.hidden),
                    step[step.size() / 2], step.front(), step.size());
        std::filesystem::remove_all(folder);
    }
    return 0;
}
