#include "tessera/core/FileIO.h"

#include "tessera/core/Error.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessera {

void writeFileAtomically(const std::string &path, std::string_view bytes)
{
    const std::string temporary = path + ".tmp-" + std::to_string(::getpid());
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(std::string("cannot create file: ") + std::strerror(errno), path);
    size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            const std::string reason = std::strerror(errno);
            ::close(fd);
            ::unlink(temporary.c_str());
            throw Error("cannot write file: " + reason, path);
        }
        written += static_cast<size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    const int syncError = errno;
    const bool closed = ::close(fd) == 0;
    if (!synced || !closed) {
        const std::string reason = std::strerror(synced ? errno : syncError);
        ::unlink(temporary.c_str());
        throw Error("cannot flush file: " + reason, path);
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(temporary.c_str());
        throw Error("cannot replace file: " + reason, path);
    }
}

namespace {

// The reason a file of this mode is refused, or nullptr for a regular file.
const char *irregular(mode_t mode)
{
    if (S_ISREG(mode))
        return nullptr;
    if (S_ISDIR(mode))
        return "is a folder, expected a file";
    if (S_ISFIFO(mode))
        return "is a FIFO (named pipe), not a regular file: refused, since reading it could wait forever";
    if (S_ISSOCK(mode))
        return "is a socket, not a regular file";
    return "is a device or special file, not a regular file";
}

} // namespace

bool pathExists(const std::string &path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) == 0)
        return true;
    if (errno == ENOENT || errno == ENOTDIR)
        return false;
    if (errno == ELOOP)
        throw Error("is a symbolic link that leads back to itself (a loop)", path);
    if (errno == EACCES)
        throw Error("cannot be looked at: permission denied (the folder that holds it may not be read)", path);
    throw Error(std::string("cannot be looked at: ") + std::strerror(errno), path);
}

void requireRegularFile(const std::string &path)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        return; // absent: the opener says so in its own words
    if (const char *reason = irregular(info.st_mode))
        throw Error(reason, path);
}

std::string readFile(const std::string &path, size_t maxBytes)
{
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0)
        throw Error(std::string("cannot open file: ") + std::strerror(errno), path);
    if (const char *reason = irregular(info.st_mode))
        throw Error(reason, path);
    if (static_cast<size_t>(info.st_size) > maxBytes)
        throw Error("file is " + std::to_string(info.st_size) + " bytes, more than the " + std::to_string(maxBytes) +
                        " bytes allowed here",
                    path);
    FILE *file = std::fopen(path.c_str(), "rb");
    if (!file)
        throw Error(std::string("cannot open file: ") + std::strerror(errno), path);
    std::string bytes(static_cast<size_t>(info.st_size), '\0');
    const size_t read = std::fread(bytes.data(), 1, bytes.size(), file);
    std::fclose(file);
    bytes.resize(read);
    return bytes;
}

std::string fileExtension(const std::string &path)
{
    const size_t slash = path.find_last_of('/');
    const size_t dot = path.find_last_of('.');
    if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
        return {};
    std::string extension = path.substr(dot + 1);
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return extension;
}

} // namespace tessera
