#pragma once
// Lexer of the Jinja subset in Jinja.h: template text and the tokens inside {{ }} and {% %};
// comments are dropped. Whitespace follows Jinja 3 with trim_blocks=True and
// lstrip_blocks=True, as transformers compiles chat templates. Internal to core.

#include "Jinja.h"

namespace tessera::jinja {

struct Token {
    enum class Kind { Text, VarBegin, VarEnd, BlockBegin, BlockEnd, Name, String, Int, Float, Op, End };
    Kind kind;
    std::string text;
    size_t offset;
};

// The tokens of source (line breaks already "\n"), ending with Token::Kind::End. Throws
// TemplateError with line 0 and the offset in column; parse() turns it into line:column.
std::vector<Token> lex(const std::string &source);

} // namespace tessera::jinja
