#include "tessera/core/ImageHeader.h"

#include <cstdlib>
#include <cstring>

namespace tessera {
namespace {

uint32_t be16(std::string_view b, size_t at)
{
    return uint32_t(uint8_t(b[at])) << 8 | uint8_t(b[at + 1]);
}
uint32_t be32(std::string_view b, size_t at)
{
    return be16(b, at) << 16 | be16(b, at + 2);
}
uint32_t le16(std::string_view b, size_t at)
{
    return uint32_t(uint8_t(b[at])) | uint32_t(uint8_t(b[at + 1])) << 8;
}
uint32_t le32(std::string_view b, size_t at)
{
    return le16(b, at) | le16(b, at + 2) << 16;
}
bool startsWith(std::string_view b, std::string_view prefix)
{
    return b.substr(0, prefix.size()) == prefix;
}

ImageSize jpeg(std::string_view b)
{
    size_t at = 2;
    while (at + 9 <= b.size()) {
        if (uint8_t(b[at]) != 0xFF)
            return {};
        const uint8_t marker = uint8_t(b[at + 1]);
        if (marker == 0xFF) { // fill byte
            ++at;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9)) { // no length
            at += 2;
            continue;
        }
        // Start of frame: SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC).
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            return {be16(b, at + 7), be16(b, at + 5), "JPEG"};
        at += 2 + be16(b, at + 2);
    }
    return {};
}

ImageSize webp(std::string_view b)
{
    if (b.size() < 30)
        return {};
    const std::string_view chunk = b.substr(12, 4);
    if (chunk == "VP8 ")
        return {le16(b, 26) & 0x3FFF, le16(b, 28) & 0x3FFF, "WebP"};
    if (chunk == "VP8L") {
        const uint32_t bits = le32(b, 21);
        return {int64_t(bits & 0x3FFF) + 1, int64_t((bits >> 14) & 0x3FFF) + 1, "WebP"};
    }
    if (chunk == "VP8X")
        return {int64_t(le16(b, 24) | uint32_t(uint8_t(b[26])) << 16) + 1,
                int64_t(le16(b, 27) | uint32_t(uint8_t(b[29])) << 16) + 1, "WebP"};
    return {};
}

ImageSize tiff(std::string_view b)
{
    const bool little = b[0] == 'I';
    auto u16 = [&](size_t at) { return little ? le16(b, at) : be16(b, at); };
    auto u32 = [&](size_t at) { return little ? le32(b, at) : be32(b, at); };
    const uint32_t ifd = u32(4);
    if (uint64_t(ifd) + 2 > b.size())
        return {};
    const uint32_t entries = u16(ifd);
    ImageSize size{0, 0, "TIFF"};
    for (uint32_t i = 0; i < entries; ++i) {
        const size_t entry = size_t(ifd) + 2 + size_t(i) * 12;
        if (entry + 12 > b.size())
            break;
        const uint32_t tag = u16(entry), type = u16(entry + 2);
        const uint32_t value = type == 3 ? u16(entry + 8) : u32(entry + 8); // SHORT or LONG
        if (tag == 256)
            size.width = value;
        else if (tag == 257)
            size.height = value;
    }
    return size.width > 0 && size.height > 0 ? size : ImageSize{};
}

} // namespace

ImageSize imageSizeFromHeader(std::string_view b)
{
    if (startsWith(b, "\x89PNG\r\n\x1a\n") && b.size() >= 24 && b.substr(12, 4) == "IHDR")
        return {be32(b, 16), be32(b, 20), "PNG"};
    if (b.size() >= 4 && uint8_t(b[0]) == 0xFF && uint8_t(b[1]) == 0xD8)
        return jpeg(b);
    if (startsWith(b, "BM") && b.size() >= 26) {
        const int32_t height = int32_t(le32(b, 22)); // negative: stored top-down
        return {int32_t(le32(b, 18)), height < 0 ? -int64_t(height) : height, "BMP"};
    }
    if (startsWith(b, "RIFF") && b.size() >= 16 && b.substr(8, 4) == "WEBP")
        return webp(b);
    if ((startsWith(b, std::string_view("II*\0", 4)) || startsWith(b, std::string_view("MM\0*", 4))) && b.size() >= 8)
        return tiff(b);
    if ((startsWith(b, "GIF87a") || startsWith(b, "GIF89a")) && b.size() >= 10)
        return {le16(b, 6), le16(b, 8), "GIF"};
    return {};
}

int64_t maxImagePixels()
{
    const char *value = std::getenv("TESSERA_MAX_IMAGE_PIXELS");
    if (value && *value) {
        char *end = nullptr;
        const long long parsed = std::strtoll(value, &end, 10);
        if (end && *end == '\0' && parsed > 0)
            return parsed;
    }
    return 100'000'000;
}

} // namespace tessera
