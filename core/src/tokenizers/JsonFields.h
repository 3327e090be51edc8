#pragma once
// Internal to core: reading the fields of a tokenizer.json stage, with errors that name the file
// and the key path.

#include "tokenizers/Pipeline.h"

#include "tessera/core/Error.h"
#include "tessera/core/Tokenizer.h"

#include <nlohmann/json.hpp>

#include <string>

namespace tessera::detail::tok::fields {

using nlohmann::json;

inline const json &member(const json &object, const char *name, const Where &where)
{
    if (!object.contains(name))
        throw Error(std::string("missing \"") + name + "\"", where.file, where.key);
    return object[name];
}
inline std::string stringMember(const json &object, const char *name, const Where &where)
{
    const json &value = member(object, name, where);
    if (!value.is_string())
        throw Error("must be a string, not " + value.dump(), where.file, where.at(name).key);
    return value.get<std::string>();
}
inline bool boolMember(const json &object, const char *name, bool fallback)
{
    return object.contains(name) && object[name].is_boolean() ? object[name].get<bool>() : fallback;
}
inline char32_t singleChar(const std::string &text, const Where &where)
{
    const std::u32string chars = decodeUtf8(text, where.file);
    if (chars.size() != 1)
        throw Error("must be one character, not \"" + text + "\"", where.file, where.key);
    return chars[0];
}
inline std::string unsupported(const std::string &stage, const std::string &type, const char *supported)
{
    return stage + " type \"" + type + "\" is not supported (supported: " + supported + ")";
}

} // namespace tessera::detail::tok::fields
