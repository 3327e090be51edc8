// Values of the Jinja subset: Python's truthiness, str(), repr(), equality, and
// transformers' tojson (json.dumps with ensure_ascii=False).

#include "Jinja.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tessera::jinja {

Value Value::none()
{
    Value v;
    v.kind = Kind::None;
    return v;
}
Value Value::boolean(bool x)
{
    Value v;
    v.kind = Kind::Bool;
    v.b = x;
    return v;
}
Value Value::integer(int64_t x)
{
    Value v;
    v.kind = Kind::Int;
    v.i = x;
    return v;
}
Value Value::real(double x)
{
    Value v;
    v.kind = Kind::Float;
    v.f = x;
    return v;
}
Value Value::string(std::string x)
{
    Value v;
    v.kind = Kind::String;
    v.s = std::move(x);
    return v;
}
Value Value::makeList(List x)
{
    Value v;
    v.kind = Kind::List;
    v.list = std::make_shared<List>(std::move(x));
    return v;
}
Value Value::makeTuple(List x)
{
    Value v = makeList(std::move(x));
    v.tuple = true;
    return v;
}
Value Value::makeDict(Dict x)
{
    Value v;
    v.kind = Kind::Dict;
    v.dict = std::make_shared<Dict>(std::move(x));
    return v;
}
Value Value::undefined(std::string what)
{
    Value v;
    v.s = std::move(what);
    return v;
}

const Value *Value::find(const std::string &key) const
{
    if ((kind != Kind::Dict && kind != Kind::Namespace) || !dict)
        return nullptr;
    for (const auto &kv : *dict)
        if (kv.first == key)
            return &kv.second;
    return nullptr;
}

bool truthy(const Value &v)
{
    switch (v.kind) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
        return false;
    case Value::Kind::Bool:
        return v.b;
    case Value::Kind::Int:
        return v.i != 0;
    case Value::Kind::Float:
        return v.f != 0;
    case Value::Kind::String:
        return !v.s.empty();
    case Value::Kind::List:
        return !v.list->empty();
    case Value::Kind::Dict:
        return !v.dict->empty();
    case Value::Kind::Namespace:
        return true;
    }
    return false;
}

namespace {

// Python's repr() of a float: the shortest digits that read back to the same double.
std::string floatRepr(double x)
{
    if (std::isnan(x))
        return "nan";
    if (std::isinf(x))
        return x < 0 ? "-inf" : "inf";
    char buffer[64];
    int precision = 1;
    for (; precision < 17; ++precision) {
        std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, x);
        if (std::strtod(buffer, nullptr) == x)
            break;
    }
    std::snprintf(buffer, sizeof buffer, "%.*e", precision - 1, x);
    const std::string sci = buffer;
    const int exponent = std::atoi(sci.c_str() + sci.find('e') + 1);
    if (exponent < -4 || exponent >= 16) {
        // 1.5e-05 as Python writes it: mantissa without trailing zeros, two-digit exponent.
        std::string mantissa = sci.substr(0, sci.find('e'));
        if (mantissa.find('.') != std::string::npos) {
            while (mantissa.back() == '0')
                mantissa.pop_back();
            if (mantissa.back() == '.')
                mantissa.pop_back();
        }
        std::snprintf(buffer, sizeof buffer, "%se%c%02d", mantissa.c_str(), exponent < 0 ? '-' : '+',
                      std::abs(exponent));
        return buffer;
    }
    std::snprintf(buffer, sizeof buffer, "%.*f", std::max(precision - 1 - exponent, 0), x);
    std::string fixed = buffer;
    if (fixed.find('.') == std::string::npos)
        fixed += ".0";
    return fixed;
}

std::string stringRepr(const std::string &s)
{
    const bool useDouble = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
    const char quote = useDouble ? '"' : '\'';
    std::string out(1, quote);
    for (unsigned char c : s) {
        if (c == '\\')
            out += "\\\\";
        else if (c == static_cast<unsigned char>(quote))
            out += std::string("\\") + static_cast<char>(c);
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7f) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
            out += buffer;
        } else
            out += static_cast<char>(c);
    }
    return out + quote;
}

std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                out += buffer;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

} // namespace

std::string toRepr(const Value &v)
{
    switch (v.kind) {
    case Value::Kind::String:
        return stringRepr(v.s);
    case Value::Kind::List: {
        std::string out = v.tuple ? "(" : "[";
        for (size_t k = 0; k < v.list->size(); ++k)
            out += (k ? ", " : "") + toRepr((*v.list)[k]);
        return out + (v.tuple ? (v.list->size() == 1 ? ",)" : ")") : "]");
    }
    case Value::Kind::Dict: {
        std::string out = "{";
        for (size_t k = 0; k < v.dict->size(); ++k)
            out += (k ? ", " : "") + stringRepr((*v.dict)[k].first) + ": " + toRepr((*v.dict)[k].second);
        return out + "}";
    }
    default:
        return toStr(v);
    }
}

std::string toStr(const Value &v)
{
    switch (v.kind) {
    case Value::Kind::Undefined:
        return "";
    case Value::Kind::None:
        return "None";
    case Value::Kind::Bool:
        return v.b ? "True" : "False";
    case Value::Kind::Int:
        return std::to_string(v.i);
    case Value::Kind::Float:
        return floatRepr(v.f);
    case Value::Kind::String:
        return v.s;
    case Value::Kind::Namespace:
        return "<Namespace " + toRepr(Value::makeDict(*v.dict)) + ">";
    default:
        return toRepr(v);
    }
}

std::string toJson(const Value &v, int indent, int depth)
{
    const std::string newline = indent >= 0 ? "\n" + std::string(static_cast<size_t>(indent * (depth + 1)), ' ') : "";
    const std::string closing = indent >= 0 ? "\n" + std::string(static_cast<size_t>(indent * depth), ' ') : "";
    const std::string comma = indent >= 0 ? "," : ", ";
    switch (v.kind) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
        return "null";
    case Value::Kind::Bool:
        return v.b ? "true" : "false";
    case Value::Kind::Int:
        return std::to_string(v.i);
    case Value::Kind::Float:
        if (std::isnan(v.f))
            return "NaN";
        if (std::isinf(v.f))
            return v.f < 0 ? "-Infinity" : "Infinity";
        return floatRepr(v.f);
    case Value::Kind::String:
        return jsonString(v.s);
    case Value::Kind::List: {
        if (v.list->empty())
            return "[]";
        std::string out = "[";
        for (size_t k = 0; k < v.list->size(); ++k)
            out += (k ? comma : "") + newline + toJson((*v.list)[k], indent, depth + 1);
        return out + closing + "]";
    }
    case Value::Kind::Dict:
    case Value::Kind::Namespace: {
        if (v.dict->empty())
            return "{}";
        std::string out = "{";
        for (size_t k = 0; k < v.dict->size(); ++k)
            out += (k ? comma : "") + newline + jsonString((*v.dict)[k].first) + ": " +
                   toJson((*v.dict)[k].second, indent, depth + 1);
        return out + closing + "}";
    }
    }
    return "null";
}

bool equal(const Value &a, const Value &b)
{
    if (a.isNumber() && b.isNumber()) {
        if (a.kind == Value::Kind::Float || b.kind == Value::Kind::Float) {
            const double x =
                a.kind == Value::Kind::Float ? a.f : static_cast<double>(a.kind == Value::Kind::Bool ? a.b : a.i);
            const double y =
                b.kind == Value::Kind::Float ? b.f : static_cast<double>(b.kind == Value::Kind::Bool ? b.b : b.i);
            return x == y;
        }
        const int64_t x = a.kind == Value::Kind::Bool ? a.b : a.i;
        const int64_t y = b.kind == Value::Kind::Bool ? b.b : b.i;
        return x == y;
    }
    if (a.kind != b.kind)
        return false;
    switch (a.kind) {
    case Value::Kind::Undefined:
    case Value::Kind::None:
        return true;
    case Value::Kind::String:
        return a.s == b.s;
    case Value::Kind::List:
        if (a.list->size() != b.list->size())
            return false;
        for (size_t k = 0; k < a.list->size(); ++k)
            if (!equal((*a.list)[k], (*b.list)[k]))
                return false;
        return true;
    case Value::Kind::Dict:
        if (a.dict->size() != b.dict->size())
            return false;
        for (const auto &kv : *a.dict) {
            const Value *other = b.find(kv.first);
            if (!other || !equal(kv.second, *other))
                return false;
        }
        return true;
    case Value::Kind::Namespace:
        return a.dict == b.dict;
    default:
        return false;
    }
}

namespace {
Value fromJson(const nlohmann::ordered_json &j)
{
    switch (j.type()) {
    case nlohmann::ordered_json::value_t::null:
        return Value::none();
    case nlohmann::ordered_json::value_t::boolean:
        return Value::boolean(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer:
    case nlohmann::ordered_json::value_t::number_unsigned:
        return Value::integer(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_float:
        return Value::real(j.get<double>());
    case nlohmann::ordered_json::value_t::string:
        return Value::string(j.get<std::string>());
    case nlohmann::ordered_json::value_t::array: {
        List list;
        for (const auto &item : j)
            list.push_back(fromJson(item));
        return Value::makeList(std::move(list));
    }
    case nlohmann::ordered_json::value_t::object: {
        Dict dict;
        for (auto it = j.begin(); it != j.end(); ++it)
            dict.emplace_back(it.key(), fromJson(it.value()));
        return Value::makeDict(std::move(dict));
    }
    default:
        return Value::none();
    }
}
} // namespace

Value fromJsonText(const std::string &json)
{
    return fromJson(nlohmann::ordered_json::parse(json));
}

} // namespace tessera::jinja
