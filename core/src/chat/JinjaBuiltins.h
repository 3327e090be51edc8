#pragma once
// The builtins of the Jinja subset (Jinja.h): filters, tests, string and dict methods, item
// access, iteration and comparison, with Python's semantics. Internal to core.

#include "Jinja.h"

namespace tessera::jinja {

// Throws TemplateError at e's place.
[[noreturn]] void fail(const Expr &e, const std::string &message,
                       TemplateError::Kind kind = TemplateError::Kind::Runtime);
// v itself, or the error that an undefined value carries, at `at`.
const Value &defined(const Value &v, const Expr &at);

// Positional argument k or keyword `name`; undefined when absent.
struct Args {
    List positional;
    Dict keyword;
    Value get(size_t k, const char *name) const;
};

std::string typeName(const Value &v); // as Python names it: 'str', 'int', 'NoneType'
// UTF-8 code points, so that length, indexing and slicing count characters as Python does.
std::vector<std::string> codePoints(const std::string &s);
double number(const Value &v); // Bool, Int or Float as a double
int64_t whole(const Value &v); // Bool or Int
List iterate(const Value &v, const Expr &at);
bool contains(const Expr &e, const Value &needle, const Value &hay);
bool compare(const Expr &e, const Value &a, const Value &b); // e.name is the operator
std::string stringArg(const Expr &e, const Value &v, const char *what);
Value item(const Expr &e, const Value &object, const Value &key); // object[key] and object.key
bool test(const Expr &e, const std::string &name, const Value &v, const Args &a);
Value filter(const Expr &e, const std::string &name, const Value &v, const Args &a);
Value method(const Expr &e, const Value &object, const std::string &name, const Args &a);

} // namespace tessera::jinja
