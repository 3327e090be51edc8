#pragma once
// Errors a user can act on: which file, which key, what was expected, what was found.

#include <stdexcept>
#include <string>

namespace tessera {

// Thrown by core for every failure that reaches a user. what() is the full sentence:
// "<file>: <key>: <reason>" with the empty parts left out.
class Error : public std::runtime_error {
public:
    explicit Error(std::string reason, std::string file = {}, std::string key = {});

    const std::string &reason() const { return m_reason; }
    const std::string &file() const { return m_file; }
    const std::string &key() const { return m_key; }

private:
    std::string m_reason;
    std::string m_file;
    std::string m_key;
};

// Thrown from inside a job when the user cancelled it; never shown as a failure.
class CancelledError : public Error {
public:
    CancelledError() : Error("cancelled") {}
};

} // namespace tessera
