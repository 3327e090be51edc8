#include "tessera/core/Matrix.h"

#include "tessera/core/Error.h"

#include <cmath>

namespace tessera {

Matrix::Matrix(int64_t rowCount, int64_t columnCount, float fill)
    : rows(rowCount), cols(columnCount), values(static_cast<size_t>(rowCount * columnCount), fill)
{
}

std::pair<float, float> Matrix::finiteRange() const
{
    bool any = false;
    float low = 0.0f;
    float high = 0.0f;
    for (float v : values) {
        if (!std::isfinite(v))
            continue;
        if (!any) {
            low = high = v;
            any = true;
        } else {
            low = std::min(low, v);
            high = std::max(high, v);
        }
    }
    return {low, high};
}

int64_t FloatTensor::elementCount() const
{
    int64_t count = 1;
    for (int64_t d : shape)
        if (d < 0 || __builtin_mul_overflow(count, d, &count))
            throw Error("shape " + shapeToString(shape) + " has more elements than any file can hold");
    return count;
}

Matrix FloatTensor::toMatrix(const std::string &nameForErrors) const
{
    std::vector<int64_t> dims = shape;
    while (dims.size() > 2 && dims.front() == 1)
        dims.erase(dims.begin());
    if (dims.size() > 2)
        throw Error("expected a matrix, found a tensor of shape " + shapeToString(shape), {}, nameForErrors);
    Matrix matrix;
    if (dims.empty()) {
        matrix.rows = matrix.cols = 1;
    } else if (dims.size() == 1) {
        matrix.rows = 1;
        matrix.cols = dims[0];
    } else {
        matrix.rows = dims[0];
        matrix.cols = dims[1];
    }
    if (uint64_t(matrix.rows) * uint64_t(matrix.cols) != values.size())
        throw Error("shape " + shapeToString(shape) + " does not match its " + std::to_string(values.size()) +
                        " values",
                    {}, nameForErrors);
    matrix.values = values;
    return matrix;
}

std::string shapeToString(const std::vector<int64_t> &shape)
{
    std::string text = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i)
            text += ", ";
        text += std::to_string(shape[i]);
    }
    return text + "]";
}

} // namespace tessera
