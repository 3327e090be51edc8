#pragma once
// Plain, immutable result objects that cross from core to widgets: shapes plus contiguous
// float buffers, shared by pointer. No tensors, no Qt.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tessera {

// A row-major float32 matrix [rows, cols]. NaN marks a cell that does not exist
// (a masked attention entry, the future half of a causal bias); views draw it apart.
struct Matrix {
    int64_t rows = 0;
    int64_t cols = 0;
    std::vector<float> values; // rows * cols, row-major

    Matrix() = default;
    Matrix(int64_t rowCount, int64_t columnCount, float fill = 0.0f);

    float at(int64_t row, int64_t column) const { return values[static_cast<size_t>(row * cols + column)]; }
    float &at(int64_t row, int64_t column) { return values[static_cast<size_t>(row * cols + column)]; }
    bool empty() const { return rows == 0 || cols == 0; }
    // Minimum and maximum over the finite entries; {0, 0} when there are none.
    std::pair<float, float> finiteRange() const;
};

using MatrixPtr = std::shared_ptr<const Matrix>;

struct FloatTensor;

// An N-dimensional tensor stored as IEEE float16: half the memory of float32 with about three
// significant digits (attention weights in [0, 1] keep an absolute error below 2.5e-4), for
// captures that are kept and decoded on demand. Conversions are vectorised; any thread.
struct HalfTensor {
    std::vector<int64_t> shape;
    std::vector<uint16_t> values;

    static HalfTensor fromFloat(const FloatTensor &tensor);
    FloatTensor toFloat() const;
    // Elements [offset, offset + count) as float32 into out.
    void decode(size_t offset, size_t count, float *out) const;
    int64_t elementCount() const;
};

// An N-dimensional float32 tensor as read from a file, row-major.
struct FloatTensor {
    std::vector<int64_t> shape;
    std::vector<float> values;

    int64_t elementCount() const;
    // Drops leading dimensions of size 1 and returns the rest as a matrix; a 1-D tensor
    // becomes one row. Throws tessera::Error when more than two dimensions remain.
    Matrix toMatrix(const std::string &nameForErrors = {}) const;
};

std::string shapeToString(const std::vector<int64_t> &shape);

} // namespace tessera
