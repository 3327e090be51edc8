#include "tessera/core/Error.h"

namespace tessera {
namespace {
std::string compose(const std::string &reason, const std::string &file, const std::string &key)
{
    std::string message;
    if (!file.empty())
        message += file + ": ";
    if (!key.empty())
        message += key + ": ";
    return message + reason;
}
} // namespace

Error::Error(std::string reason, std::string file, std::string key)
    : std::runtime_error(compose(reason, file, key)), m_reason(std::move(reason)), m_file(std::move(file)),
      m_key(std::move(key))
{
}

} // namespace tessera
