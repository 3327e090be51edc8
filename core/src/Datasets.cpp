#include "tessera/core/Datasets.h"

#include "tessera/core/Error.h"

#include <zlib.h>

#include <sys/stat.h>

namespace tessera {
namespace {

bool exists(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// gzread reads plain files too. Reads exactly size bytes or reports how many there were.
class GzipReader {
public:
    explicit GzipReader(const std::string &path) : m_path(path), m_file(gzopen(path.c_str(), "rb"))
    {
        if (!m_file)
            throw Error("cannot open", path);
    }
    ~GzipReader() { gzclose(m_file); }
    GzipReader(const GzipReader &) = delete;
    GzipReader &operator=(const GzipReader &) = delete;

    size_t read(void *buffer, size_t size)
    {
        size_t done = 0;
        while (done < size) {
            const unsigned chunk = unsigned(std::min<size_t>(size - done, 1u << 30));
            const int got = gzread(m_file, static_cast<uint8_t *>(buffer) + done, chunk);
            if (got < 0) {
                int code = 0;
                throw Error(std::string("corrupt compressed data: ") + gzerror(m_file, &code), m_path);
            }
            if (got == 0)
                break;
            done += size_t(got);
        }
        return done;
    }

private:
    std::string m_path;
    gzFile m_file;
};

} // namespace

std::vector<uint8_t> readIdx(const std::string &path, std::vector<int64_t> &dimensions)
{
    GzipReader reader(path);
    uint8_t magic[4] = {};
    if (reader.read(magic, 4) != 4)
        throw Error("too short for an IDX header", path);
    if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08)
        throw Error("not an IDX file of unsigned bytes (magic 00 00 08 xx expected)", path);
    const int count = magic[3];
    if (count < 1 || count > 4)
        throw Error("IDX file with " + std::to_string(count) + " dimensions (1 to 4 supported)", path);
    dimensions.assign(size_t(count), 0);
    // Bounded by the format itself (each dimension < 2^32) and by a sane total: datasets here are
    // at most a few hundred megabytes, and nothing is allocated before the product is checked.
    constexpr int64_t kMaximumBytes = int64_t(1) << 32;
    int64_t total = 1;
    for (int i = 0; i < count; ++i) {
        uint8_t b[4] = {};
        if (reader.read(b, 4) != 4)
            throw Error("truncated IDX header", path);
        const int64_t d = (int64_t(b[0]) << 24) | (int64_t(b[1]) << 16) | (int64_t(b[2]) << 8) | int64_t(b[3]);
        dimensions[size_t(i)] = d;
        if (d != 0 && total > kMaximumBytes / d)
            throw Error("IDX dimensions multiply to more than 4 GiB", path);
        total *= d;
    }
    std::vector<uint8_t> data;
    // Grow while reading, so a header that lies about the size cannot make us allocate it.
    constexpr size_t kChunk = size_t(1) << 22;
    while (data.size() < size_t(total)) {
        const size_t want = std::min(kChunk, size_t(total) - data.size());
        const size_t before = data.size();
        data.resize(before + want);
        const size_t got = reader.read(data.data() + before, want);
        if (got != want)
            throw Error("IDX data ends after " + std::to_string(before + got) + " of " + std::to_string(total) +
                            " bytes the header announces",
                        path);
    }
    uint8_t extra = 0;
    if (reader.read(&extra, 1) != 0)
        throw Error("IDX file has bytes past the data its header announces", path);
    return data;
}

std::string defaultFashionMnistFolder()
{
    return "/usr/share/datasets/fashion-mnist";
}

ImageDataset loadFashionMnist(const std::string &split, const std::string &folder)
{
    if (split != "train" && split != "test")
        throw Error("split must be train or test, not \"" + split + "\"");
    const std::string stem = folder + "/" + (split == "train" ? "train" : "t10k");
    auto find = [&](const std::string &name) {
        for (const std::string &candidate : {stem + name + ".gz", stem + name})
            if (exists(candidate))
                return candidate;
        throw Error("Fashion-MNIST file " + stem + name + "[.gz] not found (Debian package dataset-fashion-mnist)",
                    folder);
    };
    const std::string imagesPath = find("-images-idx3-ubyte"), labelsPath = find("-labels-idx1-ubyte");
    ImageDataset set;
    std::vector<int64_t> imageDims, labelDims;
    set.pixels = readIdx(imagesPath, imageDims);
    const std::vector<uint8_t> labels = readIdx(labelsPath, labelDims);
    if (imageDims.size() != 3)
        throw Error("images must have 3 dimensions", imagesPath);
    if (labelDims.size() != 1 || labelDims[0] != imageDims[0])
        throw Error(std::to_string(labelDims.empty() ? 0 : labelDims[0]) + " labels for " +
                        std::to_string(imageDims[0]) + " images",
                    labelsPath);
    set.count = imageDims[0];
    set.rows = imageDims[1];
    set.cols = imageDims[2];
    set.labels.assign(labels.begin(), labels.end());
    for (int64_t label : set.labels)
        if (label > 9)
            throw Error("label " + std::to_string(label) + " outside 0-9", labelsPath);
    set.labelNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                      "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return set;
}

} // namespace tessera
