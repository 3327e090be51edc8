// The builtins of the Jinja subset (JinjaBuiltins.h).

#include "JinjaBuiltins.h"

#include <algorithm>
#include <cmath>

namespace tessera::jinja {
namespace {

const char *kSpaces = " \t\n\r\f\v";

std::string strip(const std::string &s, const std::string &chars, bool left, bool right)
{
    if (std::any_of(chars.begin(), chars.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
        // Characters beyond ASCII: strip whole code points, never bytes of one.
        const std::vector<std::string> text = codePoints(s), set = codePoints(chars);
        auto inSet = [&](const std::string &c) { return std::find(set.begin(), set.end(), c) != set.end(); };
        size_t begin = 0, end = text.size();
        while (left && begin < end && inSet(text[begin]))
            ++begin;
        while (right && end > begin && inSet(text[end - 1]))
            --end;
        std::string out;
        for (size_t k = begin; k < end; ++k)
            out += text[k];
        return out;
    }
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

} // namespace

void fail(const Expr &e, const std::string &message, TemplateError::Kind kind)
{
    throw TemplateError{kind, e.line, e.column, message};
}

const Value &defined(const Value &v, const Expr &at)
{
    if (v.isUndefined())
        fail(at, v.s);
    return v;
}

Value Args::get(size_t k, const char *name) const
{
    if (k < positional.size())
        return positional[k];
    for (const auto &kv : keyword)
        if (kv.first == name)
            return kv.second;
    return Value::undefined(std::string("missing argument '") + name + "'");
}

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

List iterate(const Value &v, const Expr &at)
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

double number(const Value &v)
{
    return v.kind == Value::Kind::Float ? v.f : double(v.kind == Value::Kind::Bool ? v.b : v.i);
}

int64_t whole(const Value &v)
{
    return v.kind == Value::Kind::Bool ? v.b : v.i;
}

bool contains(const Expr &e, const Value &needle, const Value &hay)
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

bool compare(const Expr &e, const Value &a, const Value &b)
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

std::string stringArg(const Expr &e, const Value &v, const char *what)
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
        const int64_t size = object.kind == Value::Kind::List ? int64_t(object.list->size()) : int64_t(chars.size());
        int64_t k = whole(key);
        if (k < 0)
            k += size;
        if (k < 0 || k >= size)
            return Value::undefined(typeName(object) + " index " + toStr(key) + " is out of range");
        return object.kind == Value::Kind::List ? (*object.list)[size_t(k)] : Value::string(chars[size_t(k)]);
    }
    return Value::undefined("'" + typeName(object) + " object' has no attribute " + toRepr(key));
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
            return v.kind == Value::Kind::Float ? Value::real(std::fabs(v.f)) : Value::integer(std::llabs(whole(v)));
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
                if (p.size() <= s.size() && (name == "startswith" ? s.compare(0, p.size(), p) == 0
                                                                  : s.compare(s.size() - p.size(), p.size(), p) == 0))
                    return Value::boolean(true);
            }
            return Value::boolean(false);
        }
        if (name == "split") {
            const Value maxSplit = a.get(1, "maxsplit");
            if (arg.kind == Value::Kind::String && arg.s.empty())
                fail(e, "split(): empty separator");
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
    fail(e, "method '" + name + "' of '" + typeName(object) + "' is not supported", TemplateError::Kind::Unsupported);
}

} // namespace tessera::jinja
