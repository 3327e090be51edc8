#pragma once
// Hugging Face chat templates rendered natively, as transformers'
// apply_chat_template(messages, tokenize=False, add_generation_prompt=...) does.
//
// The template language is a small interpreter of the Jinja2 subset that the chat templates
// of Llama 3/3.1, Qwen2.5, Qwen3, Gemma 3, Mistral and SmolLM2 use (if/elif/else, for with
// loop.* and filters, set and namespace(), break/continue, the common filters, tests and
// string methods, raise_exception, strftime_now), with transformers' settings trim_blocks
// and lstrip_blocks. It is no general Jinja engine: macros, includes, call/filter blocks and
// other filters are refused with a ChatTemplateError that gives the line and column.
// Plain C++; no Qt, no LibTorch. Every function may be called from any thread; a
// ChatTemplate is immutable after loading and may be shared between threads.

#include "tessera/core/Error.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tessera {

namespace jinja {
struct Program;
}

// One turn of a conversation: role is "system", "user", "assistant" or "tool".
struct ChatMessage {
    std::string role;
    std::string content;
};

// A template that failed to parse or to render. what() reads
// "<file>: chat_template: <line>:<column>: <reason>". line and column count from 1 in the
// template text (0 when the failure has no place, as a missing template).
class ChatTemplateError : public Error {
public:
    enum class Kind {
        Missing,     // the tokenizer has no chat template
        Syntax,      // malformed: unclosed block, unknown tag, bad expression
        Unsupported, // valid Jinja outside the subset this interpreter implements
        Runtime,     // a failure while rendering (undefined variable, bad operand types)
        Raised,      // the template called raise_exception(message); reason() is the message after line:column
    };
    ChatTemplateError(Kind kind, int line, int column, const std::string &message, const std::string &file);

    Kind kind() const { return m_kind; }
    int line() const { return m_line; }
    int column() const { return m_column; }
    // The message without file, key or place: for Raised, exactly what the template passed.
    const std::string &message() const { return m_message; }

private:
    Kind m_kind;
    int m_line;
    int m_column;
    std::string m_message;
};

class ChatTemplate {
public:
    // Parses template source. origin names it in errors (a file path). Throws ChatTemplateError.
    static ChatTemplate fromString(const std::string &source, const std::string &origin = {});

    // Loads a checkpoint's chat template. folderOrFile is a checkpoint folder, its
    // tokenizer_config.json, or a .jinja file. In a folder, chat_template.jinja wins over
    // tokenizer_config.json's "chat_template" (a string, or a list of {name, template} of
    // which `name` is taken, "default" when name is empty), then chat_template.json. The
    // special tokens (bos_token, eos_token, unk_token, pad_token, ...) come from
    // tokenizer_config.json beside it when there is one. Throws ChatTemplateError (kind
    // Missing: "this tokenizer has no chat template") or tessera::Error for unreadable files.
    static ChatTemplate fromTokenizerConfig(const std::string &folderOrFile, const std::string &name = {});

    // Whether fromTokenizerConfig would find a template there; never throws.
    static bool hasChatTemplate(const std::string &folderOrFile);

    // The conversation rendered as text, ready for the tokenizer (which must not add
    // special tokens again). Variables: messages, add_generation_prompt, the special
    // tokens, tools = none, and extraVariablesJson, a JSON object of more variables
    // ({"enable_thinking": false}, {"date_string": "26 Jul 2024"}) that override them.
    // Throws ChatTemplateError.
    std::string render(const std::vector<ChatMessage> &messages, bool addGenerationPrompt,
                       const std::string &extraVariablesJson = {}) const;
    // The same with the messages as a JSON array of message objects, for messages that carry
    // more than role and content (tool_calls, reasoning_content, content parts).
    std::string renderJson(const std::string &messagesJson, bool addGenerationPrompt,
                           const std::string &extraVariablesJson = {}) const;

    // Special token strings by variable name ("bos_token" -> "<|begin_of_text|>").
    const std::map<std::string, std::string> &specialTokens() const { return m_specialTokens; }
    std::string specialToken(const std::string &name) const; // empty when absent
    void setSpecialToken(const std::string &name, const std::string &value) { m_specialTokens[name] = value; }

    const std::string &source() const { return m_source; }
    const std::string &origin() const { return m_origin; } // the file the template came from
    // Names of the templates when tokenizer_config.json holds a list ("default", "tool_use").
    const std::vector<std::string> &availableNames() const { return m_names; }

private:
    std::shared_ptr<const jinja::Program> m_program;
    std::string m_source;
    std::string m_origin;
    std::map<std::string, std::string> m_specialTokens;
    std::vector<std::string> m_names;
};

} // namespace tessera
