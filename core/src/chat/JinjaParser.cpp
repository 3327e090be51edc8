// Parser of the Jinja subset in Jinja.h, over the tokens of JinjaLexer.cpp.

#include "JinjaLexer.h"

#include <algorithm>
#include <cstring>
#include <set>

namespace tessera::jinja {
namespace {

const std::set<std::string> kFilters = {
    "trim",  "length", "count",  "tojson",     "upper",      "lower",  "default", "d",     "items",
    "first", "last",   "join",   "replace",    "list",       "string", "int",     "float", "capitalize",
    "title", "select", "reject", "selectattr", "rejectattr", "map",    "safe",    "abs"};
const std::set<std::string> kTests = {
    "defined",     "undefined", "none",  "string", "number",  "integer", "float", "mapping", "iterable",
    "sequence",    "boolean",   "true",  "false",  "equalto", "eq",      "ne",    "odd",     "even",
    "divisibleby", "lower",     "upper", "in",     "gt",      "lt",      "ge",    "le",      "sameas"};
const std::set<std::string> kUnsupportedTags = {"macro", "call", "filter", "include",    "import", "from",    "extends",
                                                "block", "raw",  "with",   "autoescape", "do",     "endmacro"};

class Parser {
public:
    Parser(std::vector<Token> tokens) : m_tokens(std::move(tokens)) {}

    Body parseTemplate()
    {
        std::string stoppedAt;
        return parseBody({}, stoppedAt, nullptr);
    }

private:
    const Token &peek(size_t ahead = 0) const { return m_tokens[std::min(m_pos + ahead, m_tokens.size() - 1)]; }
    const Token &next() { return m_tokens[std::min(m_pos++, m_tokens.size() - 1)]; }
    bool isOp(const char *op, size_t ahead = 0) const
    {
        return peek(ahead).kind == Token::Kind::Op && peek(ahead).text == op;
    }
    bool isName(const char *name, size_t ahead = 0) const
    {
        return peek(ahead).kind == Token::Kind::Name && peek(ahead).text == name;
    }
    [[noreturn]] void fail(const Token &at, const std::string &message,
                           TemplateError::Kind kind = TemplateError::Kind::Syntax) const
    {
        throw TemplateError{kind, 0, static_cast<int>(at.offset), message};
    }
    static std::string describe(const Token &t)
    {
        switch (t.kind) {
        case Token::Kind::End:
            return "end of template";
        case Token::Kind::VarEnd:
            return "'}}'";
        case Token::Kind::BlockEnd:
            return "'%}'";
        case Token::Kind::String:
            return "a string";
        default:
            return "'" + t.text + "'";
        }
    }
    void expectOp(const char *op)
    {
        if (!isOp(op))
            fail(peek(), std::string("expected '") + op + "', found " + describe(peek()));
        ++m_pos;
    }
    std::string expectName()
    {
        if (peek().kind != Token::Kind::Name)
            fail(peek(), "expected a name, found " + describe(peek()));
        return next().text;
    }
    void expectBlockEnd()
    {
        if (peek().kind != Token::Kind::BlockEnd)
            fail(peek(), "expected '%}', found " + describe(peek()));
        ++m_pos;
    }

    template <class T> static std::unique_ptr<T> at(const Token &t, typename T::Kind kind)
    {
        auto n = std::make_unique<T>();
        n->kind = kind;
        n->column = static_cast<int>(t.offset); // an offset until Program fixes it into line:column
        return n;
    }

    // Parses nodes until one of the end tags (the first is the closing one); stoppedAt gets
    // the tag that ended it. opener is the tag that opened the block, for the error.
    Body parseBody(const std::vector<std::string> &ends, std::string &stoppedAt, const Token *opener)
    {
        Body body;
        while (true) {
            const Token &t = peek();
            if (t.kind == Token::Kind::End) {
                if (!ends.empty())
                    fail(*opener,
                         "'{% " + opener->text + " %}' is never closed: '{% " + ends.front() + " %}' is missing");
                return body;
            }
            if (t.kind == Token::Kind::Text) {
                auto n = at<Node>(t, Node::Kind::Text);
                n->text = t.text;
                body.push_back(std::move(n));
                ++m_pos;
            } else if (t.kind == Token::Kind::VarBegin) {
                ++m_pos;
                auto n = at<Node>(t, Node::Kind::Output);
                n->expr = parseExpression();
                if (peek().kind != Token::Kind::VarEnd)
                    fail(peek(), "expected '}}', found " + describe(peek()));
                ++m_pos;
                body.push_back(std::move(n));
            } else {
                ++m_pos;
                const Token &tag = peek();
                if (tag.kind != Token::Kind::Name)
                    fail(tag, "expected a tag name, found " + describe(tag));
                if (std::find(ends.begin(), ends.end(), tag.text) != ends.end()) {
                    stoppedAt = tag.text;
                    ++m_pos;
                    return body;
                }
                if (opener && (tag.text.compare(0, 3, "end") == 0 || tag.text == "elif" || tag.text == "else"))
                    fail(tag, "found '{% " + tag.text + " %}' where the open '{% " + opener->text + " %}' needs '{% " +
                                  ends.front() + " %}'");
                body.push_back(parseStatement());
            }
        }
    }

    NodePtr parseStatement()
    {
        const Depth depth(*this, peek());
        const Token &tag = next();
        const std::string &name = tag.text;
        if (name == "if")
            return parseIf(tag);
        if (name == "for")
            return parseFor(tag);
        if (name == "set")
            return parseSet(tag);
        if (name == "break" || name == "continue") {
            auto n = at<Node>(tag, name == "break" ? Node::Kind::Break : Node::Kind::Continue);
            expectBlockEnd();
            return n;
        }
        if (name == "generation") { // transformers' AssistantTracker: renders its body unchanged
            auto n = at<Node>(tag, Node::Kind::Block);
            expectBlockEnd();
            std::string stopped;
            n->body = parseBody({"endgeneration"}, stopped, &tag);
            expectBlockEnd();
            return n;
        }
        if (name.compare(0, 3, "end") == 0 || name == "elif" || name == "else")
            fail(tag, "'{% " + name + " %}' has no open block to close or continue");
        if (kUnsupportedTags.count(name))
            fail(tag, "tag '" + name + "' is not supported", TemplateError::Kind::Unsupported);
        fail(tag, "unknown tag '" + name + "'");
    }

    NodePtr parseIf(const Token &tag)
    {
        auto n = at<Node>(tag, Node::Kind::If);
        ExprPtr condition = parseExpression();
        while (true) {
            expectBlockEnd();
            std::string stopped;
            Body body = parseBody({"endif", "elif", "else"}, stopped, &tag);
            n->branches.emplace_back(std::move(condition), std::move(body));
            if (stopped == "endif")
                break;
            if (stopped == "else") {
                expectBlockEnd();
                Body elseBody = parseBody({"endif"}, stopped, &tag);
                n->branches.emplace_back(nullptr, std::move(elseBody));
                break;
            }
            condition = parseExpression();
        }
        expectBlockEnd();
        return n;
    }

    NodePtr parseFor(const Token &tag)
    {
        auto n = at<Node>(tag, Node::Kind::For);
        n->text = expectName();
        if (isOp(",")) {
            ++m_pos;
            n->attr = expectName();
        }
        if (!isName("in"))
            fail(peek(), "expected 'in', found " + describe(peek()));
        ++m_pos;
        n->expr = parseOr(); // not a conditional: `if` here filters the loop
        if (isName("if")) {
            ++m_pos;
            n->filter = parseOr();
        }
        if (isName("recursive"))
            fail(peek(), "recursive loops are not supported", TemplateError::Kind::Unsupported);
        expectBlockEnd();
        std::string stopped;
        n->body = parseBody({"endfor", "else"}, stopped, &tag);
        if (stopped == "else") {
            expectBlockEnd();
            n->elseBody = parseBody({"endfor"}, stopped, &tag);
        }
        expectBlockEnd();
        return n;
    }

    NodePtr parseSet(const Token &tag)
    {
        const std::string target = expectName();
        NodePtr n;
        if (isOp(".")) {
            ++m_pos;
            n = at<Node>(tag, Node::Kind::SetAttr);
            n->attr = expectName();
        } else {
            n = at<Node>(tag, Node::Kind::Set);
        }
        n->text = target;
        if (isOp(","))
            fail(peek(), "assigning to several names at once is not supported", TemplateError::Kind::Unsupported);
        if (peek().kind == Token::Kind::BlockEnd)
            fail(peek(), "block assignment ({% set x %}...{% endset %}) is not supported",
                 TemplateError::Kind::Unsupported);
        expectOp("=");
        n->expr = parseExpression();
        expectBlockEnd();
        return n;
    }

    // Bounds recursion, so that a hostile template fails instead of overflowing the stack.
    struct Depth {
        Parser &p;
        Depth(Parser &parser, const Token &at) : p(parser)
        {
            if (++p.m_depth > kMaxDepth)
                p.fail(at, "the template nests deeper than " + std::to_string(kMaxDepth) + " levels",
                       TemplateError::Kind::Unsupported);
        }
        ~Depth() { --p.m_depth; }
    };

    ExprPtr parseExpression()
    {
        const Depth depth(*this, peek());
        ExprPtr e = parseOr();
        while (isName("if")) {
            auto c = at<Expr>(next(), Expr::Kind::Cond);
            ExprPtr condition = parseOr();
            ExprPtr otherwise;
            if (isName("else")) {
                ++m_pos;
                otherwise = parseExpression();
            }
            c->args.push_back(std::move(condition));
            c->args.push_back(std::move(e));
            c->args.push_back(std::move(otherwise)); // may be null: an undefined value
            e = std::move(c);
        }
        return e;
    }

    ExprPtr binary(const Token &op, Expr::Kind kind, ExprPtr left, ExprPtr right)
    {
        auto e = at<Expr>(op, kind);
        e->name = op.text;
        e->args.push_back(std::move(left));
        e->args.push_back(std::move(right));
        return e;
    }

    ExprPtr parseOr()
    {
        ExprPtr e = parseAnd();
        while (isName("or")) {
            const Token &op = next();
            e = binary(op, Expr::Kind::Or, std::move(e), parseAnd());
        }
        return e;
    }
    ExprPtr parseAnd()
    {
        ExprPtr e = parseNot();
        while (isName("and")) {
            const Token &op = next();
            e = binary(op, Expr::Kind::And, std::move(e), parseNot());
        }
        return e;
    }
    ExprPtr parseNot()
    {
        if (isName("not")) {
            const Depth depth(*this, peek());
            auto e = at<Expr>(next(), Expr::Kind::Not);
            e->args.push_back(parseNot());
            return e;
        }
        return parseCompare();
    }
    ExprPtr parseCompare()
    {
        ExprPtr e = parseMath1();
        while (true) {
            const Token &op = peek();
            const bool comparison =
                op.kind == Token::Kind::Op && (op.text == "==" || op.text == "!=" || op.text == "<" || op.text == ">" ||
                                               op.text == "<=" || op.text == ">=");
            if (comparison || isName("in")) {
                ++m_pos;
                e = binary(op, Expr::Kind::Binary, std::move(e), parseMath1());
            } else if (isName("not") && isName("in", 1)) {
                m_pos += 2;
                e = binary(op, Expr::Kind::Binary, std::move(e), parseMath1());
                e->name = "in";
                e->negated = true;
            } else {
                return e;
            }
        }
    }
    ExprPtr parseMath1()
    {
        ExprPtr e = parseConcat();
        while (isOp("+") || isOp("-")) {
            const Token &op = next();
            e = binary(op, Expr::Kind::Binary, std::move(e), parseConcat());
        }
        return e;
    }
    ExprPtr parseConcat()
    {
        ExprPtr e = parseMath2();
        while (isOp("~")) {
            const Token &op = next();
            e = binary(op, Expr::Kind::Binary, std::move(e), parseMath2());
        }
        return e;
    }
    ExprPtr parseMath2()
    {
        ExprPtr e = parsePow();
        while (isOp("*") || isOp("/") || isOp("//") || isOp("%")) {
            const Token &op = next();
            e = binary(op, Expr::Kind::Binary, std::move(e), parsePow());
        }
        return e;
    }
    ExprPtr parsePow()
    {
        ExprPtr e = parseUnary();
        while (isOp("**")) {
            const Token &op = next();
            e = binary(op, Expr::Kind::Binary, std::move(e), parseUnary());
        }
        return e;
    }
    ExprPtr parseUnary()
    {
        if (isOp("-") || isOp("+")) {
            const Depth depth(*this, peek());
            const Token &op = next();
            ExprPtr operand = parseUnary();
            if (op.text == "+")
                return operand;
            auto e = at<Expr>(op, Expr::Kind::Neg);
            e->args.push_back(std::move(operand));
            return e;
        }
        return parseFilters(parsePostfix(parsePrimary()));
    }

    ExprPtr parsePrimary()
    {
        const Token &t = next();
        switch (t.kind) {
        case Token::Kind::Name: {
            auto e = at<Expr>(t, Expr::Kind::Literal);
            if (t.text == "true" || t.text == "True")
                e->literal = Value::boolean(true);
            else if (t.text == "false" || t.text == "False")
                e->literal = Value::boolean(false);
            else if (t.text == "none" || t.text == "None")
                e->literal = Value::none();
            else {
                e->kind = Expr::Kind::Name;
                e->name = t.text;
            }
            return e;
        }
        case Token::Kind::String: {
            auto e = at<Expr>(t, Expr::Kind::Literal);
            std::string s = t.text;
            while (peek().kind == Token::Kind::String) // adjacent literals join, as in Python
                s += next().text;
            e->literal = Value::string(s);
            return e;
        }
        case Token::Kind::Int:
        case Token::Kind::Float: {
            auto e = at<Expr>(t, Expr::Kind::Literal);
            try {
                e->literal =
                    t.kind == Token::Kind::Int ? Value::integer(std::stoll(t.text)) : Value::real(std::stod(t.text));
            } catch (const std::exception &) {
                fail(t, "number '" + t.text + "' is out of range", TemplateError::Kind::Unsupported);
            }
            return e;
        }
        case Token::Kind::Op:
            if (t.text == "(") {
                ExprPtr first = parseExpression();
                if (isOp(")")) {
                    ++m_pos;
                    return first;
                }
                auto tuple = at<Expr>(t, Expr::Kind::List); // a tuple is a list that prints as a tuple
                tuple->literal = Value::boolean(true);
                tuple->args.push_back(std::move(first));
                while (isOp(",")) {
                    ++m_pos;
                    if (isOp(")"))
                        break;
                    tuple->args.push_back(parseExpression());
                }
                expectOp(")");
                return tuple;
            }
            if (t.text == "[") {
                auto list = at<Expr>(t, Expr::Kind::List);
                while (!isOp("]")) {
                    list->args.push_back(parseExpression());
                    if (!isOp(","))
                        break;
                    ++m_pos;
                }
                expectOp("]");
                return list;
            }
            if (t.text == "{") {
                auto dict = at<Expr>(t, Expr::Kind::Dict);
                while (!isOp("}")) {
                    dict->args.push_back(parseExpression());
                    expectOp(":");
                    dict->args.push_back(parseExpression());
                    if (!isOp(","))
                        break;
                    ++m_pos;
                }
                expectOp("}");
                return dict;
            }
            break;
        default:
            break;
        }
        fail(t, "expected an expression, found " + describe(t));
    }

    void parseCallArguments(Expr &call)
    {
        expectOp("(");
        while (!isOp(")")) {
            if (peek().kind == Token::Kind::Name && isOp("=", 1)) {
                std::string key = next().text;
                ++m_pos;
                call.kwargs.emplace_back(std::move(key), parseExpression());
            } else {
                if (!call.kwargs.empty())
                    fail(peek(), "a positional argument follows a keyword argument");
                call.args.push_back(parseExpression());
            }
            if (!isOp(","))
                break;
            ++m_pos;
        }
        expectOp(")");
    }

    ExprPtr parsePostfix(ExprPtr e)
    {
        while (true) {
            if (isOp(".")) {
                const Token &dot = next();
                const Token &name = next();
                if (name.kind != Token::Kind::Name && name.kind != Token::Kind::Int)
                    fail(name, "expected an attribute name after '.', found " + describe(name));
                auto a = at<Expr>(dot, Expr::Kind::Attr);
                a->name = name.text;
                a->args.push_back(std::move(e));
                e = std::move(a);
            } else if (isOp("[")) {
                const Token &open = next();
                e = parseSubscript(open, std::move(e));
            } else if (isOp("(")) {
                const Token &open = peek();
                auto call = at<Expr>(open, Expr::Kind::Call);
                if (e->kind == Expr::Kind::Attr) {
                    call->method = true;
                    call->name = e->name;
                    call->args.push_back(std::move(e->args[0]));
                } else if (e->kind == Expr::Kind::Name) {
                    call->name = e->name;
                } else {
                    fail(open, "only functions and methods can be called");
                }
                call->line = e->line;
                call->column = e->column;
                parseCallArguments(*call);
                e = std::move(call);
            } else {
                return e;
            }
        }
    }

    ExprPtr parseSubscript(const Token &open, ExprPtr object)
    {
        ExprPtr parts[3];
        int colons = 0;
        while (!isOp("]")) {
            if (isOp(":")) {
                if (++colons > 2)
                    fail(peek(), "a slice takes at most three parts");
                ++m_pos;
                continue;
            }
            if (parts[colons])
                fail(peek(), "expected ']' or ':', found " + describe(peek()));
            parts[colons] = parseExpression();
        }
        expectOp("]");
        auto e = at<Expr>(open, colons == 0 ? Expr::Kind::Index : Expr::Kind::Slice);
        e->args.push_back(std::move(object));
        if (colons == 0) {
            if (!parts[0])
                fail(open, "empty subscript '[]'");
            e->args.push_back(std::move(parts[0]));
        } else {
            for (auto &p : parts)
                e->args.push_back(std::move(p)); // null parts mean "from the start" / "to the end" / step 1
        }
        return e;
    }

    ExprPtr parseFilters(ExprPtr e)
    {
        while (true) {
            if (isOp("|")) {
                ++m_pos;
                const Token &name = peek();
                auto f = at<Expr>(name, Expr::Kind::Filter);
                f->name = expectName();
                if (!kFilters.count(f->name))
                    fail(name, "filter '" + f->name + "' is not supported", TemplateError::Kind::Unsupported);
                f->args.push_back(std::move(e));
                if (isOp("("))
                    parseCallArguments(*f);
                e = parsePostfix(std::move(f));
            } else if (isName("is")) {
                ++m_pos;
                bool negated = false;
                if (isName("not")) {
                    negated = true;
                    ++m_pos;
                }
                const Token &name = peek();
                auto t = at<Expr>(name, Expr::Kind::Test);
                t->name = expectName();
                t->negated = negated;
                if (!kTests.count(t->name))
                    fail(name, "test '" + t->name + "' is not supported", TemplateError::Kind::Unsupported);
                t->args.push_back(std::move(e));
                if (isOp("("))
                    parseCallArguments(*t);
                else if (peek().kind == Token::Kind::String || peek().kind == Token::Kind::Int ||
                         peek().kind == Token::Kind::Float ||
                         (peek().kind == Token::Kind::Name && !isName("and") && !isName("or") && !isName("if") &&
                          !isName("else") && !isName("in") && !isName("not")))
                    t->args.push_back(parsePostfix(parsePrimary()));
                e = std::move(t);
            } else {
                return e;
            }
        }
    }

    static constexpr int kMaxDepth = 200;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
    int m_depth = 0;
};

// Offsets were kept in column; turn them into line:column.
struct Locator {
    std::vector<size_t> lineStarts{0};
    explicit Locator(const std::string &s)
    {
        for (size_t i = 0; i < s.size(); ++i)
            if (s[i] == '\n')
                lineStarts.push_back(i + 1);
    }
    void place(int &line, int &column) const
    {
        const size_t offset = static_cast<size_t>(column);
        const auto it = std::upper_bound(lineStarts.begin(), lineStarts.end(), offset) - 1;
        line = static_cast<int>(it - lineStarts.begin()) + 1;
        column = static_cast<int>(offset - *it) + 1;
    }
    void fix(Expr *e) const
    {
        if (!e)
            return;
        place(e->line, e->column);
        for (auto &a : e->args)
            fix(a.get());
        for (auto &kw : e->kwargs)
            fix(kw.second.get());
    }
    void fix(Body &body) const
    {
        for (auto &n : body) {
            place(n->line, n->column);
            fix(n->expr.get());
            fix(n->filter.get());
            for (auto &b : n->branches) {
                fix(b.first.get());
                fix(b.second);
            }
            fix(n->body);
            fix(n->elseBody);
        }
    }
};

} // namespace

std::unique_ptr<Program> parse(const std::string &raw)
{
    // Jinja's lexer: every line break becomes "\n" and one trailing newline is dropped.
    std::string source;
    source.reserve(raw.size());
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '\r') {
            source += '\n';
            if (i + 1 < raw.size() && raw[i + 1] == '\n')
                ++i;
        } else {
            source += raw[i];
        }
    }
    if (!source.empty() && source.back() == '\n')
        source.pop_back();

    const Locator locator(source);
    try {
        auto program = std::make_unique<Program>();
        program->body = Parser(lex(source)).parseTemplate();
        locator.fix(program->body);
        return program;
    } catch (TemplateError &e) {
        if (e.line == 0)
            locator.place(e.line, e.column);
        throw;
    }
}

} // namespace tessera::jinja
