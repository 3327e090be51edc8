#pragma once
// A small Jinja2 interpreter for Hugging Face chat templates: the subset that the chat
// templates of Llama 3/3.1, Qwen2.5, Qwen3, Gemma 3, Mistral and SmolLM2 use, with
// transformers' settings (trim_blocks, lstrip_blocks, loop controls, its tojson). It is not
// a general Jinja engine: macros, includes, call/filter blocks and most filters are refused
// with a TemplateError that carries the line and column. Internal to core.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tessera::jinja {

// A failure at a place in the template; line and column count from 1 (0 when unknown).
struct TemplateError {
    enum class Kind { Syntax, Unsupported, Runtime, Raised };
    Kind kind;
    int line;
    int column;
    std::string message;
};

struct Value;
using List = std::vector<Value>;
using Dict = std::vector<std::pair<std::string, Value>>; // insertion order, as Python dicts

// A template value, with Python's semantics. Lists and dicts are shared and never changed
// once built (transformers renders in an immutable sandbox); a namespace is the one mutable
// object.
struct Value {
    enum class Kind { Undefined, None, Bool, Int, Float, String, List, Dict, Namespace };
    Kind kind = Kind::Undefined;
    bool b = false;
    int64_t i = 0;
    double f = 0;
    bool tuple = false; // a List written as Python writes a tuple: (1, 2)
    std::string s;      // the string, or for Undefined the name that was missing
    std::shared_ptr<List> list;
    std::shared_ptr<Dict> dict; // Dict and Namespace

    static Value none();
    static Value boolean(bool v);
    static Value integer(int64_t v);
    static Value real(double v);
    static Value string(std::string v);
    static Value makeList(List v);
    static Value makeTuple(List v);
    static Value makeDict(Dict v);
    static Value undefined(std::string what);

    bool isUndefined() const { return kind == Kind::Undefined; }
    bool isNumber() const { return kind == Kind::Int || kind == Kind::Float || kind == Kind::Bool; }
    const Value *find(const std::string &key) const; // Dict and Namespace; nullptr if absent
};

bool truthy(const Value &v);
std::string toStr(const Value &v);  // Python's str()
std::string toRepr(const Value &v); // Python's repr()
std::string toJson(const Value &v, int indent, int depth = 0);
bool equal(const Value &a, const Value &b);
Value fromJsonText(const std::string &json); // for messages and variables; throws std::exception

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
    enum class Kind {
        Literal,
        Name,
        List,
        Dict,
        Attr,
        Index,
        Slice,
        Call,
        Filter,
        Test,
        Not,
        Neg,
        Binary,
        And,
        Or,
        Cond
    };
    Kind kind;
    int line = 0, column = 0;
    Value literal;             // Literal
    std::string name;          // Name, Attr, Call (method or function), Filter, Test; Binary: operator
    bool negated = false;      // Test: `is not`; Binary `not in`
    std::vector<ExprPtr> args; // operands; for Attr/Index/Filter/Test/Call-on-object args[0] is the object
    std::vector<std::pair<std::string, ExprPtr>> kwargs;
    bool method = false; // Call: args[0] is the object the method is called on
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

struct Node {
    enum class Kind { Text, Output, If, For, Set, SetAttr, Break, Continue, Block };
    Kind kind;
    int line = 0, column = 0;
    std::string text;                               // Text; Set/SetAttr: the variable; For: first target
    std::string attr;                               // SetAttr: the attribute; For: second target (tuple unpacking)
    ExprPtr expr;                                   // Output, Set value, For iterable
    ExprPtr filter;                                 // For: `if` condition
    std::vector<std::pair<ExprPtr, Body>> branches; // If: (condition, body); else has no condition
    Body body;                                      // For, Block
    Body elseBody;                                  // For
};

// A parsed template. parse() throws TemplateError.
struct Program {
    Body body;
};
std::unique_ptr<Program> parse(const std::string &source);

// Renders; throws TemplateError.
std::string render(const Program &program, const Dict &variables);

} // namespace tessera::jinja
