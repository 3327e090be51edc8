// Lexer of the Jinja subset (JinjaLexer.h).

#include "JinjaLexer.h"

#include <algorithm>
#include <cstring>

namespace tessera::jinja {
namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool isNameStart(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool isNameChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

class Lexer {
public:
    explicit Lexer(const std::string &source) : m_src(source) {}

    std::vector<Token> run()
    {
        size_t pos = 0;
        bool stripNext = false;
        while (pos < m_src.size()) {
            const size_t start = findTag(pos);
            std::string text = m_src.substr(pos, start - pos);
            if (stripNext) {
                text.erase(0,
                           std::find_if(text.begin(), text.end(), [](char c) { return !isSpace(c); }) - text.begin());
                stripNext = false;
            }
            if (start == m_src.size()) {
                pushText(text, pos);
                break;
            }
            const char kind = m_src[start + 1];
            const char modifier = start + 2 < m_src.size() ? m_src[start + 2] : '\0';
            if (modifier == '-') {
                while (!text.empty() && isSpace(text.back()))
                    text.pop_back();
            } else if (kind != '{' && modifier != '+') {
                const size_t nl = text.rfind('\n');
                const size_t tail = nl == std::string::npos ? 0 : nl + 1;
                const bool lineStart = nl != std::string::npos || pos == 0 || m_src[pos - 1] == '\n';
                if (lineStart && text.find_first_not_of(" \t", tail) == std::string::npos)
                    text.erase(tail);
            }
            pushText(text, pos);
            pos = start + 2 + ((modifier == '-' || modifier == '+') ? 1 : 0);
            if (kind == '#') {
                const size_t close = m_src.find("#}", pos);
                if (close == std::string::npos)
                    fail(start, "unclosed comment '{#'");
                pos = close + 2;
                if (m_src[close - 1] == '-')
                    stripNext = true;
                else if (pos < m_src.size() && m_src[pos] == '\n')
                    ++pos;
                continue;
            }
            m_tokens.push_back({kind == '{' ? Token::Kind::VarBegin : Token::Kind::BlockBegin, "", start});
            pos = lexTag(pos, kind, start, stripNext);
        }
        m_tokens.push_back({Token::Kind::End, "", m_src.size()});
        return std::move(m_tokens);
    }

    [[noreturn]] void fail(size_t offset, const std::string &message) const
    {
        throw TemplateError{TemplateError::Kind::Syntax, 0, static_cast<int>(offset), message};
    }

private:
    size_t findTag(size_t pos) const
    {
        for (size_t i = m_src.find('{', pos); i != std::string::npos; i = m_src.find('{', i + 1)) {
            if (i + 1 < m_src.size() && (m_src[i + 1] == '{' || m_src[i + 1] == '%' || m_src[i + 1] == '#'))
                return i;
        }
        return m_src.size();
    }

    void pushText(const std::string &text, size_t offset)
    {
        if (!text.empty())
            m_tokens.push_back({Token::Kind::Text, text, offset});
    }

    // Lexes the inside of {{ }} or {% %} from pos; returns the position after the closer.
    size_t lexTag(size_t pos, char kind, size_t tagStart, bool &stripNext)
    {
        const char closer = kind == '{' ? '}' : '%';
        int depth = 0;
        while (true) {
            while (pos < m_src.size() && isSpace(m_src[pos]))
                ++pos;
            if (pos >= m_src.size())
                fail(tagStart, kind == '{' ? "unclosed '{{'" : "unclosed '{%'");
            const char c = m_src[pos];
            size_t endAt = std::string::npos;
            if (depth == 0 && (c == '-' || c == '+') && pos + 2 < m_src.size() + 0 && m_src[pos + 1] == closer &&
                m_src[pos + 2] == '}')
                endAt = pos + 1;
            else if (depth == 0 && c == closer && pos + 1 < m_src.size() && m_src[pos + 1] == '}')
                endAt = pos;
            if (endAt != std::string::npos) {
                m_tokens.push_back({kind == '{' ? Token::Kind::VarEnd : Token::Kind::BlockEnd, "", pos});
                size_t next = endAt + 2;
                if (c == '-')
                    stripNext = true;
                else if (kind == '%' && c != '+' && next < m_src.size() && m_src[next] == '\n')
                    ++next;
                return next;
            }
            if (isNameStart(c)) {
                size_t end = pos;
                while (end < m_src.size() && isNameChar(m_src[end]))
                    ++end;
                m_tokens.push_back({Token::Kind::Name, m_src.substr(pos, end - pos), pos});
                pos = end;
            } else if (std::isdigit(static_cast<unsigned char>(c))) {
                size_t end = pos;
                while (end < m_src.size() &&
                       (std::isdigit(static_cast<unsigned char>(m_src[end])) || m_src[end] == '_'))
                    ++end;
                bool real = false;
                if (end + 1 < m_src.size() && m_src[end] == '.' &&
                    std::isdigit(static_cast<unsigned char>(m_src[end + 1]))) {
                    real = true;
                    ++end;
                    while (end < m_src.size() && std::isdigit(static_cast<unsigned char>(m_src[end])))
                        ++end;
                }
                std::string digits = m_src.substr(pos, end - pos);
                digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
                m_tokens.push_back({real ? Token::Kind::Float : Token::Kind::Int, digits, pos});
                pos = end;
            } else if (c == '\'' || c == '"') {
                pos = lexString(pos);
            } else {
                static const char *ops[] = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<",
                                            ">",  "(",  ")",  "[",  "]",  "{",  "}", ",", ".", ":", "|", "="};
                const char *match = nullptr;
                for (const char *op : ops)
                    if (m_src.compare(pos, std::strlen(op), op) == 0) {
                        match = op;
                        break;
                    }
                if (!match)
                    fail(pos, std::string("unexpected character '") + c + "'");
                if (*match == '(' || *match == '[' || *match == '{')
                    ++depth;
                else if ((*match == ')' || *match == ']' || *match == '}') && depth > 0)
                    --depth;
                m_tokens.push_back({Token::Kind::Op, match, pos});
                pos += std::strlen(match);
            }
        }
    }

    size_t lexString(size_t pos)
    {
        const char quote = m_src[pos];
        std::string value;
        size_t i = pos + 1;
        for (; i < m_src.size() && m_src[i] != quote; ++i) {
            if (m_src[i] != '\\' || i + 1 >= m_src.size()) {
                value += m_src[i];
                continue;
            }
            const char e = m_src[++i];
            switch (e) {
            case 'n':
                value += '\n';
                break;
            case 't':
                value += '\t';
                break;
            case 'r':
                value += '\r';
                break;
            case '0':
                value += '\0';
                break;
            case '\\':
                value += '\\';
                break;
            case '\'':
                value += '\'';
                break;
            case '"':
                value += '"';
                break;
            case '\n':
                break;
            default:
                value += '\\';
                value += e;
                break;
            }
        }
        if (i >= m_src.size())
            fail(pos, "unclosed string literal");
        m_tokens.push_back({Token::Kind::String, value, pos});
        return i + 1;
    }

    const std::string &m_src;
    std::vector<Token> m_tokens;
};

} // namespace

std::vector<Token> lex(const std::string &source)
{
    return Lexer(source).run();
}

} // namespace tessera::jinja
