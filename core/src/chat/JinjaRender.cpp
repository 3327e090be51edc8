// Evaluation of the Jinja subset in Jinja.h: expressions with Python's semantics, the
// filters, tests, string and dict methods and globals that chat templates use.

#include "Jinja.h"

#include <algorithm>
#include <cmath>
#include <ctime>

namespace tessera::jinja {
namespace {

constexpr size_t kMaxOutput = size_t(64) << 20; // a runaway loop stops here instead of eating memory
constexpr int64_t kMaxRange = 1000000;
constexpr int64_t kMaxLoopSteps = 1000000; // nested loops that would run for hours stop here

enum class Flow { Normal, Break, Continue };

std::string typeName(const Value &v)
{
    switch (v.kind) {
    case Value::Kind::Undefined:
        return "Undefined";
    case Value::Kind::None:
        return "NoneType";
    case Value::Kind::Bool:
        return "bool";
    case Value::Kind::Int:
        return "int";
    case Value::Kind::Float:
        return "float";
    case Value::Kind::String:
        return "str";
    case Value::Kind::List:
        return "list";
    case Value::Kind::Dict:
        return "dict";
    case Value::Kind::Namespace:
        return "Namespace";
    }
    return "?";
}

// UTF-8 code points, so that length, indexing and slicing count characters as Python does.
std::vector<std::string> codePoints(const std::string &s)
{
    std::vector<std::string> out;
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 1;
        n = std::min(n, s.size() - i);
        out.push_back(s.substr(i, n));
        i += n;
    }
    return out;
}

const char *kSpaces = " \t\n\r\f\v";

std::string strip(const std::string &s, const std::string &chars, bool left, bool right)
{
    size_t begin = 0, end = s.size();
    if (left)
        while (begin < end && chars.find(s[begin]) != std::string::npos)
            ++begin;
    if (right)
        while (end > begin && chars.find(s[end - 1]) != std::string::npos)
            --end;
    return s.substr(begin, end - begin);
}

std::string asciiCase(std::string s, bool upper)
{
    for (char &c : s)
        c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                    : std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string replaceAll(const std::string &s, const std::string &from, const std::string &to, int64_t count)
{
    if (from.empty())
        return s;
    std::string out;
    size_t pos = 0;
    for (int64_t done = 0; count < 0 || done < count; ++done) {
        const size_t hit = s.find(from, pos);
        if (hit == std::string::npos)
            break;
        out += s.substr(pos, hit - pos) + to;
        pos = hit + from.size();
    }
    return out + s.substr(pos);
}

List split(const std::string &s, const Value &sep, int64_t maxSplit)
{
    List parts;
    if (sep.kind != Value::Kind::String) { // Python: runs of whitespace, no empty parts
        size_t pos = s.find_first_not_of(kSpaces);
        while (pos != std::string::npos) {
            size_t end = s.find_first_of(kSpaces, pos);
            if (maxSplit >= 0 && static_cast<int64_t>(parts.size()) == maxSplit)
                end = std::string::npos;
            parts.push_back(Value::string(s.substr(pos, end == std::string::npos ? std::string::npos : end - pos)));
            if (end == std::string::npos)
                break;
            pos = s.find_first_not_of(kSpaces, end);
        }
        return parts;
    }
    size_t pos = 0;
    while (maxSplit < 0 || static_cast<int64_t>(parts.size()) < maxSplit) {
        const size_t hit = s.find(sep.s, pos);
        if (hit == std::string::npos)
            break;
        parts.push_back(Value::string(s.substr(pos, hit - pos)));
        pos = hit + sep.s.size();
    }
    parts.push_back(Value::string(s.substr(pos)));
    return parts;
}

std::string title(const std::string &s, bool onlyFirst)
{
    std::string out = s;
    bool wordStart = true;
    for (char &c : out) {
        const unsigned char u = static_cast<unsigned char>(c);
        const bool letter = std::isalnum(u) || u >= 0x80;
        if (!letter) {
            wordStart = !onlyFirst;
            continue;
        }
        c = static_cast<char>(wordStart ? std::toupper(u) : std::tolower(u));
        wordStart = false;
    }
    return out;
}

class Renderer {
public:
    explicit Renderer(const Dict &variables) { m_scopes.push_back(variables); }

    std::string run(const Body &body)
    {
        renderBody(body);
        return std::move(m_out);
    }

private:
    [[noreturn]] static void fail(int line, int column, const std::string &message,
                                  TemplateError::Kind kind = TemplateError::Kind::Runtime)
    {
        throw TemplateError{kind, line, column, message};
    }
    [[noreturn]] static void fail(const Expr &e, const std::string &message,
                                  TemplateError::Kind kind = TemplateError::Kind::Runtime)
    {
        fail(e.line, e.column, message, kind);
    }
    static const Value &defined(const Value &v, const Expr &at)
    {
        if (v.isUndefined())
            fail(at, v.s);
        return v;
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
                fail(node->line, node->column, "the rendering grew past 64 MiB");
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
                fail(n.line, n.column,
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
            fail(n.line, n.column, "cannot unpack " + typeName(item) + " into '" + n.text + ", " + n.attr + "'");
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
                fail(n.line, n.column, "the template ran more than a million loop steps");
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

    static List iterate(const Value &v, const Expr &at)
    {
        switch (v.kind) {
        case Value::Kind::Undefined:
            return {};
        case Value::Kind::List:
            return *v.list;
        case Value::Kind::Dict: {
            List keys;
            for (const auto &kv : *v.dict)
                keys.push_back(Value::string(kv.first));
            return keys;
        }
        case Value::Kind::String: {
            List chars;
            for (auto &c : codePoints(v.s))
                chars.push_back(Value::string(std::move(c)));
            return chars;
        }
        default:
            fail(at, "'" + typeName(v) + "' object is not iterable");
        }
    }

    static double number(const Value &v)
    {
        return v.kind == Value::Kind::Float ? v.f : double(v.kind == Value::Kind::Bool ? v.b : v.i);
    }
    static int64_t whole(const Value &v) { return v.kind == Value::Kind::Bool ? v.b : v.i; }

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

    static bool contains(const Expr &e, const Value &needle, const Value &hay)
    {
        switch (hay.kind) {
        case Value::Kind::Undefined:
            return false;
        case Value::Kind::String:
            if (needle.kind != Value::Kind::String)
                fail(e, "'in <string>' requires a string on the left, not '" + typeName(needle) + "'");
            return hay.s.find(needle.s) != std::string::npos;
        case Value::Kind::List:
            return std::any_of(hay.list->begin(), hay.list->end(), [&](const Value &x) { return equal(x, needle); });
        case Value::Kind::Dict:
        case Value::Kind::Namespace:
            return needle.kind == Value::Kind::String && hay.find(needle.s);
        default:
            fail(e, "argument of type '" + typeName(hay) + "' is not iterable");
        }
    }

    static bool compare(const Expr &e, const Value &a, const Value &b)
    {
        const std::string &op = e.name;
        if (op == "==")
            return equal(a, b);
        if (op == "!=")
            return !equal(a, b);
        int order;
        if (a.isNumber() && b.isNumber())
            order = number(a) < number(b) ? -1 : number(a) > number(b) ? 1 : 0;
        else if (a.kind == Value::Kind::String && b.kind == Value::Kind::String)
            order = a.s.compare(b.s);
        else
            fail(e, "'" + op + "' is not supported between '" + typeName(a) + "' and '" + typeName(b) + "'");
        if (op == "<")
            return order < 0;
        if (op == ">")
            return order > 0;
        if (op == "<=")
            return order <= 0;
        return order >= 0;
    }

    // Positional argument k or keyword `name`; undefined when absent.
    struct Args {
        List positional;
        Dict keyword;
        Value get(size_t k, const char *name) const
        {
            if (k < positional.size())
                return positional[k];
            for (const auto &kv : keyword)
                if (kv.first == name)
                    return kv.second;
            return Value::undefined(std::string("missing argument '") + name + "'");
        }
    };
    Args evalArgs(const Expr &e, size_t skip)
    {
        Args a;
        for (size_t k = skip; k < e.args.size(); ++k)
            a.positional.push_back(eval(*e.args[k]));
        for (const auto &kw : e.kwargs)
            a.keyword.emplace_back(kw.first, eval(*kw.second));
        return a;
    }
    static std::string stringArg(const Expr &e, const Value &v, const char *what)
    {
        if (v.kind != Value::Kind::String)
            fail(e, std::string(what) + " must be a string, not '" + typeName(v) + "'");
        return v.s;
    }

    Value item(const Expr &e, const Value &object, const Value &key)
    {
        defined(object, *e.args[0]);
        if (object.kind == Value::Kind::Dict || object.kind == Value::Kind::Namespace) {
            if (key.kind == Value::Kind::String)
                if (const Value *found = object.find(key.s))
                    return *found;
            return Value::undefined("'dict object' has no attribute " + toRepr(key));
        }
        if ((object.kind == Value::Kind::List || object.kind == Value::Kind::String) &&
            (key.kind == Value::Kind::Int || key.kind == Value::Kind::Bool)) {
            std::vector<std::string> chars;
            if (object.kind == Value::Kind::String)
                chars = codePoints(object.s);
            const int64_t size =
                object.kind == Value::Kind::List ? int64_t(object.list->size()) : int64_t(chars.size());
            int64_t k = whole(key);
            if (k < 0)
                k += size;
            if (k < 0 || k >= size)
                return Value::undefined(typeName(object) + " index " + toStr(key) + " is out of range");
            return object.kind == Value::Kind::List ? (*object.list)[size_t(k)] : Value::string(chars[size_t(k)]);
        }
        return Value::undefined("'" + typeName(object) + " object' has no attribute " + toRepr(key));
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

    bool test(const Expr &e, const std::string &name, const Value &v, const Args &a)
    {
        const Value arg = a.get(0, "value");
        if (name == "defined")
            return !v.isUndefined();
        if (name == "undefined")
            return v.isUndefined();
        if (name == "none")
            return v.kind == Value::Kind::None;
        if (name == "string")
            return v.kind == Value::Kind::String;
        if (name == "number")
            return v.isNumber();
        if (name == "integer")
            return v.kind == Value::Kind::Int;
        if (name == "float")
            return v.kind == Value::Kind::Float;
        if (name == "boolean")
            return v.kind == Value::Kind::Bool;
        if (name == "true")
            return v.kind == Value::Kind::Bool && v.b;
        if (name == "false")
            return v.kind == Value::Kind::Bool && !v.b;
        if (name == "mapping")
            return v.kind == Value::Kind::Dict;
        if (name == "iterable")
            return v.kind == Value::Kind::List || v.kind == Value::Kind::Dict || v.kind == Value::Kind::String ||
                   v.isUndefined();
        if (name == "sequence")
            return v.kind == Value::Kind::List || v.kind == Value::Kind::Dict || v.kind == Value::Kind::String;
        if (name == "lower")
            return v.kind == Value::Kind::String && asciiCase(v.s, false) == v.s;
        if (name == "upper")
            return v.kind == Value::Kind::String && asciiCase(v.s, true) == v.s;
        if (name == "odd" || name == "even" || name == "divisibleby") {
            if (v.kind != Value::Kind::Int)
                fail(e, "test '" + name + "' needs an integer, not '" + typeName(v) + "'");
            const int64_t d = name == "divisibleby" ? (arg.kind == Value::Kind::Int ? arg.i : 0) : 2;
            if (d == 0)
                fail(e, "test 'divisibleby' needs a non-zero integer");
            return name == "odd" ? v.i % 2 != 0 : v.i % d == 0;
        }
        defined(arg, e);
        if (name == "equalto" || name == "eq" || name == "sameas")
            return equal(v, arg);
        if (name == "ne")
            return !equal(v, arg);
        if (name == "in")
            return contains(e, v, arg);
        Expr cmp;
        cmp.line = e.line;
        cmp.column = e.column;
        cmp.name = name == "gt" ? ">" : name == "lt" ? "<" : name == "ge" ? ">=" : "<=";
        return compare(cmp, v, arg);
    }

    Value filter(const Expr &e, const std::string &name, const Value &v, const Args &a)
    {
        if (name == "default" || name == "d") {
            const Value fallback = a.get(0, "default_value");
            const bool boolean = truthy(a.get(1, "boolean"));
            if (v.isUndefined() || (boolean && !truthy(v)))
                return fallback.isUndefined() ? Value::string("") : fallback;
            return v;
        }
        if (name == "length" || name == "count") {
            if (v.kind == Value::Kind::String)
                return Value::integer(int64_t(codePoints(v.s).size()));
            if (v.kind == Value::Kind::List)
                return Value::integer(int64_t(v.list->size()));
            if (v.kind == Value::Kind::Dict || v.kind == Value::Kind::Namespace)
                return Value::integer(int64_t(v.dict->size()));
            if (v.isUndefined())
                return Value::integer(0);
            fail(e, "object of type '" + typeName(v) + "' has no length");
        }
        if (name == "string")
            return Value::string(toStr(v));
        if (name == "safe")
            return v;
        if (name == "trim") {
            const Value chars = a.get(0, "chars");
            return Value::string(strip(toStr(v), chars.kind == Value::Kind::String ? chars.s : kSpaces, true, true));
        }
        if (name == "upper" || name == "lower")
            return Value::string(asciiCase(toStr(v), name == "upper"));
        if (name == "capitalize")
            return Value::string(title(asciiCase(toStr(v), false), true));
        if (name == "title")
            return Value::string(title(toStr(v), false));
        if (name == "replace") {
            const Value count = a.get(2, "count");
            return Value::string(replaceAll(toStr(v), stringArg(e, a.get(0, "old"), "replace's old"),
                                            stringArg(e, a.get(1, "new"), "replace's new"),
                                            count.kind == Value::Kind::Int ? count.i : -1));
        }
        if (name == "tojson") {
            const Value indent = a.get(0, "indent");
            if (a.get(2, "separators").kind != Value::Kind::Undefined || truthy(a.get(3, "sort_keys")))
                fail(e, "tojson's separators and sort_keys are not supported", TemplateError::Kind::Unsupported);
            return Value::string(toJson(v, indent.kind == Value::Kind::Int ? int(indent.i) : -1));
        }
        if (name == "int" || name == "float" || name == "abs") {
            if (name == "abs") {
                if (!v.isNumber())
                    fail(e, "bad operand type for abs(): '" + typeName(v) + "'");
                return v.kind == Value::Kind::Float ? Value::real(std::fabs(v.f))
                                                    : Value::integer(std::llabs(whole(v)));
            }
            double x = 0;
            if (v.isNumber())
                x = number(v);
            else if (v.kind == Value::Kind::String) {
                try {
                    x = std::stod(v.s);
                } catch (const std::exception &) {
                }
            }
            return name == "int" ? Value::integer(int64_t(x)) : Value::real(x);
        }
        // The rest work on sequences.
        if (v.isUndefined() && name != "items")
            defined(v, *e.args[0]);
        if (name == "items") {
            if (v.isUndefined())
                return Value::makeList({});
            if (v.kind != Value::Kind::Dict)
                fail(e, "filter 'items' needs a mapping, not '" + typeName(v) + "'");
            List pairs;
            for (const auto &kv : *v.dict)
                pairs.push_back(Value::makeTuple({Value::string(kv.first), kv.second}));
            return Value::makeList(std::move(pairs));
        }
        const List items = iterate(v, e);
        if (name == "list")
            return Value::makeList(items);
        if (name == "first" || name == "last") {
            if (items.empty())
                return Value::undefined("no first or last item of an empty sequence");
            return name == "first" ? items.front() : items.back();
        }
        if (name == "join") {
            const Value sep = a.get(0, "d");
            const Value attribute = a.get(1, "attribute");
            std::string out;
            for (size_t k = 0; k < items.size(); ++k) {
                if (k && sep.kind == Value::Kind::String)
                    out += sep.s;
                out += toStr(attribute.kind == Value::Kind::String ? item(e, items[k], attribute) : items[k]);
            }
            return Value::string(out);
        }
        if (name == "map") {
            const Value attribute = a.get(99, "attribute");
            List out;
            for (const Value &x : items) {
                if (attribute.kind == Value::Kind::String) {
                    out.push_back(item(e, x, attribute));
                    continue;
                }
                const std::string f = stringArg(e, a.get(0, "filter"), "map's filter");
                if (f == "map" || f == "select" || f == "reject" || f == "selectattr" || f == "rejectattr")
                    fail(e, "map('" + f + "') is not supported", TemplateError::Kind::Unsupported);
                Args rest;
                rest.positional.assign(a.positional.begin() + 1, a.positional.end());
                out.push_back(filter(e, f, x, rest));
            }
            return Value::makeList(std::move(out));
        }
        // select / reject / selectattr / rejectattr
        const bool byAttribute = name == "selectattr" || name == "rejectattr";
        const bool keepWhen = name == "select" || name == "selectattr";
        const size_t testAt = byAttribute ? 1 : 0;
        Args testArgs;
        if (a.positional.size() > testAt + 1)
            testArgs.positional.assign(a.positional.begin() + long(testAt) + 1, a.positional.end());
        const Value testName = a.get(testAt, "test");
        List out;
        for (const Value &x : items) {
            const Value subject = byAttribute ? item(e, x, a.get(0, "attribute")) : x;
            bool passes;
            if (testName.isUndefined())
                passes = truthy(subject);
            else {
                const std::string t = stringArg(e, testName, "the test name");
                static const char *known[] = {
                    "defined",     "undefined", "none",  "string", "number",  "integer", "float", "mapping", "iterable",
                    "sequence",    "boolean",   "true",  "false",  "equalto", "eq",      "ne",    "odd",     "even",
                    "divisibleby", "lower",     "upper", "in",     "gt",      "lt",      "ge",    "le",      "sameas"};
                if (std::find_if(std::begin(known), std::end(known), [&](const char *k) { return t == k; }) ==
                    std::end(known))
                    fail(e, "test '" + t + "' is not supported", TemplateError::Kind::Unsupported);
                passes = test(e, t, subject, testArgs);
            }
            if (passes == keepWhen)
                out.push_back(x);
        }
        return Value::makeList(std::move(out));
    }

    Value method(const Expr &e, const Value &object, const std::string &name, const Args &a)
    {
        defined(object, *e.args[0]);
        if (object.kind == Value::Kind::String) {
            const std::string &s = object.s;
            const Value arg = a.get(0, "x");
            if (name == "strip" || name == "lstrip" || name == "rstrip") {
                const std::string chars = arg.kind == Value::Kind::String ? arg.s : kSpaces;
                return Value::string(strip(s, chars, name != "rstrip", name != "lstrip"));
            }
            if (name == "startswith" || name == "endswith") {
                List options = arg.kind == Value::Kind::List ? *arg.list : List{arg};
                for (const Value &o : options) {
                    const std::string p = stringArg(e, o, name.c_str());
                    if (p.size() <= s.size() &&
                        (name == "startswith" ? s.compare(0, p.size(), p) == 0
                                              : s.compare(s.size() - p.size(), p.size(), p) == 0))
                        return Value::boolean(true);
                }
                return Value::boolean(false);
            }
            if (name == "split") {
                const Value maxSplit = a.get(1, "maxsplit");
                return Value::makeList(split(s, a.get(0, "sep"), maxSplit.kind == Value::Kind::Int ? maxSplit.i : -1));
            }
            if (name == "upper" || name == "lower")
                return Value::string(asciiCase(s, name == "upper"));
            if (name == "title")
                return Value::string(title(s, false));
            if (name == "capitalize")
                return Value::string(title(asciiCase(s, false), true));
            if (name == "replace") {
                const Value count = a.get(2, "count");
                return Value::string(replaceAll(s, stringArg(e, arg, "replace's old"),
                                                stringArg(e, a.get(1, "new"), "replace's new"),
                                                count.kind == Value::Kind::Int ? count.i : -1));
            }
            if (name == "find") {
                const size_t hit = s.find(stringArg(e, arg, "find's argument"));
                return Value::integer(hit == std::string::npos ? -1 : int64_t(codePoints(s.substr(0, hit)).size()));
            }
            if (name == "join") {
                std::string out;
                const List items = iterate(arg, e);
                for (size_t k = 0; k < items.size(); ++k)
                    out += (k ? s : "") + stringArg(e, items[k], "join's items");
                return Value::string(out);
            }
        } else if (object.kind == Value::Kind::Dict) {
            if (name == "items" || name == "keys" || name == "values") {
                List out;
                for (const auto &kv : *object.dict)
                    out.push_back(name == "items"  ? Value::makeTuple({Value::string(kv.first), kv.second})
                                  : name == "keys" ? Value::string(kv.first)
                                                   : kv.second);
                return Value::makeList(std::move(out));
            }
            if (name == "get") {
                const Value key = a.get(0, "key");
                const Value *found = key.kind == Value::Kind::String ? object.find(key.s) : nullptr;
                const Value fallback = a.get(1, "default");
                return found ? *found : fallback.isUndefined() ? Value::none() : fallback;
            }
        }
        fail(e, "method '" + name + "' of '" + typeName(object) + "' is not supported",
             TemplateError::Kind::Unsupported);
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
