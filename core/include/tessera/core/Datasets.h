#pragma once
// Datasets the training recipes read: IDX files (MNIST, Fashion-MNIST; plain or gzip), the
// synthetic sequence tasks, and text corpora. Readers check every size against the file
// before allocating: a hostile header cannot ask for more memory than the file could hold.
// Plain C++; any thread.

#include <cstdint>
#include <string>
#include <vector>

namespace tessera {

// Images [count, rows, cols] as bytes 0-255 and their labels.
struct ImageDataset {
    int64_t count = 0;
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<uint8_t> pixels; // count * rows * cols, row-major
    std::vector<int64_t> labels; // count
    std::vector<std::string> labelNames;
};

// One IDX file (https://yann.lecun.com/exdb/mnist/: magic 0x00000801 labels, 0x00000803
// images, big-endian dimensions), gzip-compressed or not. Throws tessera::Error naming the file
// for a wrong magic, dimensions that overflow or disagree with the data, or trailing bytes.
std::vector<uint8_t> readIdx(const std::string &path, std::vector<int64_t> &dimensions);

// Fashion-MNIST from a folder with {train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz];
// split is "train" or "test". The folder of Debian's dataset-fashion-mnist is the default.
std::string defaultFashionMnistFolder();
ImageDataset loadFashionMnist(const std::string &split, const std::string &folder = defaultFashionMnistFolder());

} // namespace tessera
