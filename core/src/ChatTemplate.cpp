// Loading and rendering Hugging Face chat templates (ChatTemplate.h); the interpreter is
// in chat/Jinja*.cpp.

#include "tessera/core/ChatTemplate.h"
#include "tessera/core/FileIO.h"

#include "chat/Jinja.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <sys/stat.h>

namespace tessera {
namespace {

const char *kKey = "chat_template";

bool isFile(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}
bool isFolder(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}
std::string parentOf(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}
bool endsWith(const std::string &s, const std::string &tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

ChatTemplateError convert(const jinja::TemplateError &e, const std::string &origin)
{
    using K = ChatTemplateError::Kind;
    const K kind = e.kind == jinja::TemplateError::Kind::Syntax        ? K::Syntax
                   : e.kind == jinja::TemplateError::Kind::Unsupported ? K::Unsupported
                   : e.kind == jinja::TemplateError::Kind::Raised      ? K::Raised
                                                                       : K::Runtime;
    return ChatTemplateError(kind, e.line, e.column, e.message, origin);
}

nlohmann::ordered_json readJson(const std::string &path)
{
    try {
        return nlohmann::ordered_json::parse(readFile(path, size_t(64) << 20));
    } catch (const nlohmann::json::exception &e) {
        throw Error(std::string("not valid JSON: ") + e.what(), path);
    }
}

// A special token is a string or, in older files, an AddedToken object {"content": ...}.
std::map<std::string, std::string> specialTokensOf(const nlohmann::ordered_json &config)
{
    std::map<std::string, std::string> tokens;
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (!endsWith(it.key(), "_token"))
            continue;
        if (it.value().is_string())
            tokens[it.key()] = it.value().get<std::string>();
        else if (it.value().is_object() && it.value().contains("content") && it.value()["content"].is_string())
            tokens[it.key()] = it.value()["content"].get<std::string>();
    }
    return tokens;
}

std::string missingMessage()
{
    return "this tokenizer has no chat template (looked for chat_template.jinja, \"chat_template\" in "
           "tokenizer_config.json and chat_template.json); it is a base model or needs a template given by hand";
}

} // namespace

ChatTemplateError::ChatTemplateError(Kind kind, int line, int column, const std::string &message,
                                     const std::string &file)
    : Error(line > 0 ? std::to_string(line) + ":" + std::to_string(column) + ": " + message : message, file, kKey),
      m_kind(kind), m_line(line), m_column(column), m_message(message)
{
}

ChatTemplate ChatTemplate::fromString(const std::string &source, const std::string &origin)
{
    ChatTemplate t;
    t.m_source = source;
    t.m_origin = origin;
    try {
        t.m_program = jinja::parse(source);
    } catch (const jinja::TemplateError &e) {
        throw convert(e, origin);
    }
    return t;
}

ChatTemplate ChatTemplate::fromTokenizerConfig(const std::string &folderOrFile, const std::string &name)
{
    std::string folder = folderOrFile;
    std::string config, jinjaFile;
    if (isFolder(folderOrFile)) {
        config = folder + "/tokenizer_config.json";
        jinjaFile = folder + "/chat_template.jinja";
    } else if (isFile(folderOrFile)) {
        folder = parentOf(folderOrFile);
        if (endsWith(folderOrFile, ".jinja"))
            jinjaFile = folderOrFile;
        else
            config = folderOrFile;
        if (config.empty() && isFile(folder + "/tokenizer_config.json"))
            config = folder + "/tokenizer_config.json";
    } else {
        throw Error("no such file or folder", folderOrFile);
    }

    nlohmann::ordered_json root;
    if (!config.empty() && isFile(config))
        root = readJson(config);
    if (!root.is_null() && !root.is_object())
        throw Error("expected a JSON object", config);

    std::string source, origin;
    std::vector<std::string> names;
    if (!jinjaFile.empty() && isFile(jinjaFile) && (name.empty() || name == "default")) {
        source = readFile(jinjaFile, size_t(16) << 20);
        origin = jinjaFile;
    } else if (root.is_object() && root.contains(kKey) && !root[kKey].is_null()) {
        const auto &value = root[kKey];
        origin = config;
        if (value.is_string()) {
            if (!name.empty() && name != "default")
                throw Error("there is one template, not a list; no template is named '" + name + "'", config, kKey);
            source = value.get<std::string>();
        } else if (value.is_array()) {
            const std::string wanted = name.empty() ? "default" : name;
            for (const auto &entry : value) {
                if (!entry.is_object() || !entry.contains("name") || !entry["name"].is_string() ||
                    !entry.contains("template") || !entry["template"].is_string())
                    throw Error("each entry of the list must be {\"name\": string, \"template\": string}", config,
                                kKey);
                names.push_back(entry["name"].get<std::string>());
                if (names.back() == wanted)
                    source = entry["template"].get<std::string>();
            }
            if (source.empty() && !names.empty()) {
                std::string list;
                for (const auto &n : names)
                    list += (list.empty() ? "" : ", ") + n;
                throw Error("no template named '" + wanted + "'; the list has " + list, config, kKey);
            }
        } else {
            throw Error("expected a string or a list of {name, template}, found " + std::string(value.type_name()),
                        config, kKey);
        }
    } else if (isFile(folder + "/chat_template.json")) {
        const auto processor = readJson(folder + "/chat_template.json");
        if (processor.is_object() && processor.contains(kKey) && processor[kKey].is_string()) {
            source = processor[kKey].get<std::string>();
            origin = folder + "/chat_template.json";
        }
    }
    if (source.empty())
        throw ChatTemplateError(ChatTemplateError::Kind::Missing, 0, 0, missingMessage(), folderOrFile);

    ChatTemplate t = fromString(source, origin);
    t.m_names = names;
    if (root.is_object())
        t.m_specialTokens = specialTokensOf(root);
    return t;
}

bool ChatTemplate::hasChatTemplate(const std::string &folderOrFile)
{
    try {
        fromTokenizerConfig(folderOrFile);
        return true;
    } catch (const std::exception &) {
        return false;
    }
}

std::string ChatTemplate::specialToken(const std::string &name) const
{
    const auto it = m_specialTokens.find(name);
    return it == m_specialTokens.end() ? std::string() : it->second;
}

std::string ChatTemplate::render(const std::vector<ChatMessage> &messages, bool addGenerationPrompt,
                                 const std::string &extraVariablesJson) const
{
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const ChatMessage &m : messages)
        list.push_back({{"role", m.role}, {"content", m.content}});
    return renderJson(list.dump(), addGenerationPrompt, extraVariablesJson);
}

std::string ChatTemplate::renderJson(const std::string &messagesJson, bool addGenerationPrompt,
                                     const std::string &extraVariablesJson) const
{
    if (!m_program)
        throw ChatTemplateError(ChatTemplateError::Kind::Missing, 0, 0, missingMessage(), m_origin);
    jinja::Value messages, extra;
    try {
        messages = jinja::fromJsonText(messagesJson);
        extra = extraVariablesJson.empty() ? jinja::Value::makeDict({}) : jinja::fromJsonText(extraVariablesJson);
    } catch (const std::exception &e) {
        throw Error(std::string("messages or variables are not valid JSON: ") + e.what(), m_origin, kKey);
    }
    if (messages.kind != jinja::Value::Kind::List)
        throw Error("the messages must be a JSON array", m_origin, kKey);
    if (extra.kind != jinja::Value::Kind::Dict)
        throw Error("the extra variables must be a JSON object", m_origin, kKey);

    jinja::Dict variables;
    for (const auto &kv : m_specialTokens)
        variables.emplace_back(kv.first, jinja::Value::string(kv.second));
    variables.emplace_back("messages", messages);
    variables.emplace_back("add_generation_prompt", jinja::Value::boolean(addGenerationPrompt));
    variables.emplace_back("tools", jinja::Value::none());
    variables.emplace_back("documents", jinja::Value::none());
    for (const auto &kv : *extra.dict) {
        auto it = std::find_if(variables.begin(), variables.end(), [&](const auto &v) { return v.first == kv.first; });
        if (it != variables.end())
            it->second = kv.second;
        else
            variables.emplace_back(kv.first, kv.second);
    }
    try {
        return jinja::render(*m_program, variables);
    } catch (const jinja::TemplateError &e) {
        throw convert(e, m_origin);
    }
}

} // namespace tessera
