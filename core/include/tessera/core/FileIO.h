#pragma once
// Small file helpers shared by every writer: saves are atomic (a crash never leaves a
// truncated file behind), reads say which file failed and why.

#include <string>
#include <string_view>

namespace tessera {

// Writes bytes to "<path>.tmp-<pid>", flushes it to disk and renames it over path.
// Throws tessera::Error naming the file when any step fails; the old file is untouched then.
void writeFileAtomically(const std::string &path, std::string_view bytes);

// Reads a whole file; refuses files larger than maxBytes with a message naming both sizes, and
// anything that is not a regular file (a FIFO or device would block the reader forever).
std::string readFile(const std::string &path, size_t maxBytes = size_t(1) << 30);

// True when path exists, false when it does not; for any other failure to look (a symbolic-link
// loop, a folder that may not be searched, a name too long) a tessera::Error naming the path and
// the reason, rather than a misleading "not found".
bool pathExists(const std::string &path);

// Throws tessera::Error naming path when it exists but is not a regular file (a folder, FIFO,
// socket or device): checked before opening, which blocks on a FIFO with no writer.
void requireRegularFile(const std::string &path);

// Lower-cased file extension without the dot ("safetensors", "csv"); empty when none.
std::string fileExtension(const std::string &path);

} // namespace tessera
