// Rendering of the Jinja subset in Jinja.h: statements, scopes, loops, and expressions with
// Python's semantics; the filters, tests and methods are in JinjaBuiltins.cpp.

#include "JinjaBuiltins.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace tessera::jinja {
namespace {

constexpr size_t kMaxOutput = size_t(64) << 20; // a runaway loop stops here instead of eating memory
constexpr int64_t kMaxRange = 1000000;
constexpr int64_t kMaxLoopSteps = 1000000; // nested loops that would run for hours stop here

enum class Flow { Normal, Break, Continue };

class Renderer {
public:
    explicit Renderer(const Dict &variables) { m_scopes.push_back(variables); }

    std::string run(const Body &body)
    {
        renderBody(body);
        return std::move(m_out);
    }

private:
    [[noreturn]] static void failAt(int line, int column, const std::string &message,
                                    TemplateError::Kind kind = TemplateError::Kind::Runtime)
    {
        throw TemplateError{kind, line, column, message};
    }

    Value lookup(const std::string &name) const
    {
        for (auto scope = m_scopes.rbegin(); scope != m_scopes.rend(); ++scope)
            for (const auto &kv : *scope)
                if (kv.first == name)
                    return kv.second;
        return Value::undefined("'" + name + "' is undefined");
    }
    void assign(const std::string &name, Value v)
    {
        for (auto &kv : m_scopes.back())
            if (kv.first == name) {
                kv.second = std::move(v);
                return;
            }
        m_scopes.back().emplace_back(name, std::move(v));
    }

    Flow renderBody(const Body &body)
    {
        for (const auto &node : body) {
            const Flow flow = renderNode(*node);
            if (flow != Flow::Normal)
                return flow;
            if (m_out.size() > kMaxOutput)
                failAt(node->line, node->column, "the rendering grew past 64 MiB");
        }
        return Flow::Normal;
    }

    Flow renderNode(const Node &n)
    {
        switch (n.kind) {
        case Node::Kind::Text:
            m_out += n.text;
            return Flow::Normal;
        case Node::Kind::Output:
            m_out += toStr(eval(*n.expr));
            return Flow::Normal;
        case Node::Kind::Block:
            return renderBody(n.body);
        case Node::Kind::Break:
            return Flow::Break;
        case Node::Kind::Continue:
            return Flow::Continue;
        case Node::Kind::Set:
            assign(n.text, eval(*n.expr));
            return Flow::Normal;
        case Node::Kind::SetAttr: {
            const Value target = lookup(n.text);
            if (target.kind != Value::Kind::Namespace)
                failAt(n.line, n.column,
                       "cannot set attribute '" + n.attr + "' of '" + n.text + "' (" + typeName(target) +
                           "): only a namespace() takes attributes");
            Value v = eval(*n.expr);
            for (auto &kv : *target.dict)
                if (kv.first == n.attr) {
                    kv.second = std::move(v);
                    return Flow::Normal;
                }
            target.dict->emplace_back(n.attr, std::move(v));
            return Flow::Normal;
        }
        case Node::Kind::If:
            for (const auto &branch : n.branches)
                if (!branch.first || truthy(eval(*branch.first)))
                    return renderBody(branch.second);
            return Flow::Normal;
        case Node::Kind::For:
            return renderFor(n);
        }
        return Flow::Normal;
    }

    void bindTargets(const Node &n, const Value &item)
    {
        if (n.attr.empty()) {
            assign(n.text, item);
            return;
        }
        if (item.kind != Value::Kind::List || item.list->size() != 2)
            failAt(n.line, n.column, "cannot unpack " + typeName(item) + " into '" + n.text + ", " + n.attr + "'");
        assign(n.text, (*item.list)[0]);
        assign(n.attr, (*item.list)[1]);
    }

    Flow renderFor(const Node &n)
    {
        List all = iterate(eval(*n.expr), *n.expr);
        List items;
        for (const Value &item : all) {
            if (!n.filter) {
                items.push_back(item);
                continue;
            }
            m_scopes.emplace_back();
            bindTargets(n, item);
            const bool keep = truthy(eval(*n.filter));
            m_scopes.pop_back();
            if (keep)
                items.push_back(item);
        }
        if (items.empty())
            return renderBody(n.elseBody);
        const int64_t length = static_cast<int64_t>(items.size());
        for (int64_t k = 0; k < length; ++k) {
            if (++m_steps > kMaxLoopSteps)
                failAt(n.line, n.column, "the template ran more than a million loop steps");
            Dict loop = {{"index0", Value::integer(k)},
                         {"index", Value::integer(k + 1)},
                         {"revindex0", Value::integer(length - k - 1)},
                         {"revindex", Value::integer(length - k)},
                         {"first", Value::boolean(k == 0)},
                         {"last", Value::boolean(k == length - 1)},
                         {"length", Value::integer(length)},
                         {"depth", Value::integer(1)},
                         {"depth0", Value::integer(0)}};
            if (k > 0)
                loop.emplace_back("previtem", items[size_t(k - 1)]);
            if (k + 1 < length)
                loop.emplace_back("nextitem", items[size_t(k + 1)]);
            m_scopes.emplace_back();
            m_scopes.back().emplace_back("loop", Value::makeDict(std::move(loop)));
            bindTargets(n, items[size_t(k)]);
            const Flow flow = renderBody(n.body);
            m_scopes.pop_back();
            if (flow == Flow::Break)
                break;
        }
        return Flow::Normal;
    }

    static Value arithmetic(const Expr &e, const Value &a, const Value &b)
    {
        const std::string &op = e.name;
        if (op == "~")
            return Value::string(toStr(a) + toStr(b));
        defined(a, *e.args[0]);
        defined(b, *e.args[1]);
        if (a.isNumber() && b.isNumber()) {
            const bool real = a.kind == Value::Kind::Float || b.kind == Value::Kind::Float;
            if ((op == "/" || op == "//" || op == "%") && number(b) == 0)
                fail(e, "division by zero");
            if (op == "/")
                return Value::real(number(a) / number(b));
            if (real) {
                const double x = number(a), y = number(b);
                if (op == "+")
                    return Value::real(x + y);
                if (op == "-")
                    return Value::real(x - y);
                if (op == "*")
                    return Value::real(x * y);
                if (op == "//")
                    return Value::real(std::floor(x / y));
                if (op == "%")
                    return Value::real(x - y * std::floor(x / y));
                if (op == "**")
                    return Value::real(std::pow(x, y));
            } else {
                const int64_t x = whole(a), y = whole(b);
                if (op == "+")
                    return Value::integer(x + y);
                if (op == "-")
                    return Value::integer(x - y);
                if (op == "*")
                    return Value::integer(x * y);
                if (op == "//" || op == "%") { // Python floors towards negative infinity
                    int64_t q = x / y;
                    if ((x % y != 0) && ((x < 0) != (y < 0)))
                        --q;
                    return Value::integer(op == "//" ? q : x - q * y);
                }
                if (op == "**") {
                    if (y < 0)
                        return Value::real(std::pow(double(x), double(y)));
                    int64_t r = 1;
                    for (int64_t k = 0; k < y && k < 64; ++k)
                        r *= x;
                    return Value::integer(r);
                }
            }
        }
        if (op == "+" && a.kind == Value::Kind::String && b.kind == Value::Kind::String) {
            if (a.s.size() + b.s.size() > kMaxOutput)
                fail(e, "the string would pass 64 MiB");
            return Value::string(a.s + b.s);
        }
        if (op == "+" && a.kind == Value::Kind::List && b.kind == Value::Kind::List) {
            if (a.list->size() + b.list->size() > kMaxOutput)
                fail(e, "the list would pass 64 MiB items");
            List joined = *a.list;
            joined.insert(joined.end(), b.list->begin(), b.list->end());
            return Value::makeList(std::move(joined));
        }
        if (op == "*" && (a.kind == Value::Kind::String || a.kind == Value::Kind::List) && b.kind == Value::Kind::Int) {
            const int64_t size = int64_t(a.kind == Value::Kind::String ? a.s.size() : a.list->size());
            if (size > 0 && b.i > int64_t(kMaxOutput) / size)
                fail(e, "the repeated value would pass 64 MiB");
            if (a.kind == Value::Kind::String) {
                std::string out;
                for (int64_t k = 0; k < b.i; ++k)
                    out += a.s;
                return Value::string(out);
            }
            List out;
            for (int64_t k = 0; k < b.i; ++k)
                out.insert(out.end(), a.list->begin(), a.list->end());
            return Value::makeList(std::move(out));
        }
        if (op == "%" && a.kind == Value::Kind::String)
            fail(e, "string formatting with '%' is not supported", TemplateError::Kind::Unsupported);
        fail(e, "unsupported operand types for " + op + ": '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    Args evalArgs(const Expr &e, size_t skip)
    {
        Args a;
        for (size_t k = skip; k < e.args.size(); ++k)
            a.positional.push_back(eval(*e.args[k]));
        for (const auto &kw : e.kwargs)
            a.keyword.emplace_back(kw.first, eval(*kw.second));
        return a;
    }

    Value slice(const Expr &e, const Value &object)
    {
        defined(object, *e.args[0]);
        std::vector<std::string> chars;
        if (object.kind == Value::Kind::String)
            chars = codePoints(object.s);
        else if (object.kind != Value::Kind::List)
            fail(e, "'" + typeName(object) + "' object cannot be sliced");
        const int64_t size = object.kind == Value::Kind::List ? int64_t(object.list->size()) : int64_t(chars.size());
        int64_t bound[3] = {0, 0, 1};
        bool given[3] = {false, false, false};
        for (int k = 0; k < 3; ++k)
            if (e.args[size_t(k) + 1]) {
                const Value v = eval(*e.args[size_t(k) + 1]);
                if (v.kind == Value::Kind::None)
                    continue;
                if (v.kind != Value::Kind::Int)
                    fail(*e.args[size_t(k) + 1], "slice indices must be integers, not '" + typeName(v) + "'");
                bound[k] = v.i;
                given[k] = true;
            }
        const int64_t step = bound[2];
        if (step == 0)
            fail(e, "slice step cannot be zero");
        auto clamp = [&](int64_t v, bool isGiven, int64_t fallback) {
            if (!isGiven)
                return fallback;
            if (v < 0)
                v += size;
            return step > 0 ? std::clamp<int64_t>(v, 0, size) : std::clamp<int64_t>(v, -1, size - 1);
        };
        const int64_t start = clamp(bound[0], given[0], step > 0 ? 0 : size - 1);
        const int64_t stop = clamp(bound[1], given[1], step > 0 ? size : -1);
        List list;
        std::string text;
        for (int64_t k = start; step > 0 ? k < stop : k > stop; k += step) {
            if (object.kind == Value::Kind::List)
                list.push_back((*object.list)[size_t(k)]);
            else
                text += chars[size_t(k)];
        }
        return object.kind == Value::Kind::List ? Value::makeList(std::move(list)) : Value::string(std::move(text));
    }

    Value call(const Expr &e)
    {
        if (e.method) {
            const Value object = eval(*e.args[0]);
            return method(e, object, e.name, evalArgs(e, 1));
        }
        const Args a = evalArgs(e, 0);
        if (e.name == "raise_exception")
            fail(e, toStr(a.get(0, "message")), TemplateError::Kind::Raised);
        if (e.name == "strftime_now") {
            const std::string format = stringArg(e, a.get(0, "format"), "strftime_now's format");
            const std::time_t now = std::time(nullptr);
            std::tm local{};
            localtime_r(&now, &local);
            char buffer[256];
            const size_t n = std::strftime(buffer, sizeof buffer, format.c_str(), &local);
            return Value::string(std::string(buffer, n));
        }
        if (e.name == "namespace" || e.name == "dict") {
            Value v = Value::makeDict(a.keyword);
            if (e.name == "namespace")
                v.kind = Value::Kind::Namespace;
            return v;
        }
        if (e.name == "range") {
            int64_t bounds[3] = {0, 0, 1};
            for (size_t k = 0; k < a.positional.size() && k < 3; ++k) {
                if (a.positional[k].kind != Value::Kind::Int)
                    fail(e, "range() takes integers");
                bounds[k] = a.positional[k].i;
            }
            if (a.positional.size() == 1)
                std::swap(bounds[0], bounds[1]);
            if (bounds[2] == 0)
                fail(e, "range() step cannot be zero");
            List out;
            for (int64_t k = bounds[0]; bounds[2] > 0 ? k < bounds[1] : k > bounds[1]; k += bounds[2]) {
                if (int64_t(out.size()) >= kMaxRange)
                    fail(e, "range() longer than a million");
                out.push_back(Value::integer(k));
            }
            return Value::makeList(std::move(out));
        }
        const Value callee = lookup(e.name);
        if (callee.isUndefined())
            fail(e, "'" + e.name + "' is undefined");
        fail(e, "function '" + e.name + "' is not supported", TemplateError::Kind::Unsupported);
    }

    Value eval(const Expr &e)
    {
        switch (e.kind) {
        case Expr::Kind::Literal:
            return e.literal;
        case Expr::Kind::Name:
            return lookup(e.name);
        case Expr::Kind::List: {
            List list;
            for (const auto &a : e.args)
                list.push_back(eval(*a));
            return e.literal.kind == Value::Kind::Bool ? Value::makeTuple(std::move(list))
                                                       : Value::makeList(std::move(list));
        }
        case Expr::Kind::Dict: {
            Dict dict;
            for (size_t k = 0; k + 1 < e.args.size(); k += 2) {
                const Value key = eval(*e.args[k]);
                if (key.kind != Value::Kind::String)
                    fail(*e.args[k], "dict keys must be strings here, not '" + typeName(key) + "'",
                         TemplateError::Kind::Unsupported);
                Value value = eval(*e.args[k + 1]);
                auto it = std::find_if(dict.begin(), dict.end(), [&](const auto &kv) { return kv.first == key.s; });
                if (it != dict.end())
                    it->second = std::move(value);
                else
                    dict.emplace_back(key.s, std::move(value));
            }
            return Value::makeDict(std::move(dict));
        }
        case Expr::Kind::Attr: {
            const Value object = eval(*e.args[0]);
            if (!e.name.empty() && std::isdigit(static_cast<unsigned char>(e.name[0])))
                return item(e, object, Value::integer(std::stoll(e.name)));
            return item(e, object, Value::string(e.name));
        }
        case Expr::Kind::Index: {
            const Value object = eval(*e.args[0]);
            return item(e, object, eval(*e.args[1]));
        }
        case Expr::Kind::Slice:
            return slice(e, eval(*e.args[0]));
        case Expr::Kind::Call:
            return call(e);
        case Expr::Kind::Filter: {
            const Value v = eval(*e.args[0]);
            return filter(e, e.name, v, evalArgs(e, 1));
        }
        case Expr::Kind::Test: {
            const Value v = eval(*e.args[0]);
            return Value::boolean(test(e, e.name, v, evalArgs(e, 1)) != e.negated);
        }
        case Expr::Kind::Not:
            return Value::boolean(!truthy(eval(*e.args[0])));
        case Expr::Kind::Neg: {
            const Value v = defined(eval(*e.args[0]), *e.args[0]);
            if (v.kind == Value::Kind::Float)
                return Value::real(-v.f);
            if (v.isNumber())
                return Value::integer(-whole(v));
            fail(e, "bad operand type for unary -: '" + typeName(v) + "'");
        }
        case Expr::Kind::And: {
            Value a = eval(*e.args[0]);
            return truthy(a) ? eval(*e.args[1]) : a;
        }
        case Expr::Kind::Or: {
            Value a = eval(*e.args[0]);
            return truthy(a) ? a : eval(*e.args[1]);
        }
        case Expr::Kind::Cond:
            if (truthy(eval(*e.args[0])))
                return eval(*e.args[1]);
            return e.args[2] ? eval(*e.args[2]) : Value::undefined("the conditional expression has no else");
        case Expr::Kind::Binary: {
            const Value a = eval(*e.args[0]);
            const Value b = eval(*e.args[1]);
            if (e.name == "in")
                return Value::boolean(contains(e, a, b) != e.negated);
            if (e.name == "==" || e.name == "!=" || e.name == "<" || e.name == ">" || e.name == "<=" ||
                e.name == ">=") {
                if (e.name != "==" && e.name != "!=") {
                    defined(a, *e.args[0]);
                    defined(b, *e.args[1]);
                }
                return Value::boolean(compare(e, a, b));
            }
            return arithmetic(e, a, b);
        }
        }
        fail(e, "unknown expression");
    }

    std::vector<Dict> m_scopes;
    std::string m_out;
    int64_t m_steps = 0;
};

} // namespace

std::string render(const Program &program, const Dict &variables)
{
    return Renderer(variables).run(program.body);
}

} // namespace tessera::jinja
