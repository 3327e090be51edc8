#pragma once
// The size of an image from its header alone, before anything is decoded: how readImage refuses
// an image beyond the pixel budget (a 1 MB PNG can decode to 6 GB). OpenCV 4.6 offers no
// header-only query and its own limit (2^30 pixels) is far beyond what a studio should decode,
// hence these few header readers. Plain functions; any thread.

#include <cstdint>
#include <string>
#include <string_view>

namespace tessera {

struct ImageSize {
    int64_t width = 0;
    int64_t height = 0;
    std::string format; // "PNG", "JPEG", "BMP", "WebP", "TIFF", "GIF"; empty: not recognised
};

// From the first bytes of a file (64 KiB are plenty for every format here): the size, or an
// empty format when the bytes are none of these formats or their header is cut short.
ImageSize imageSizeFromHeader(std::string_view bytes);

// The most pixels readImage decodes: $TESSERA_MAX_IMAGE_PIXELS, else 100 million (a 10,000 x
// 10,000 photo; 300 MB as 8-bit RGB).
int64_t maxImagePixels();

} // namespace tessera
