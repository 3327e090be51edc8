#pragma once
// Reading and writing plain numeric tables: a learned position table, any N x D matrix.
// Formats: CSV (comma, semicolon, tab or space separated; an optional header row),
// NumPy .npy (little-endian f2/f4/f8/i4/i8, C order) and safetensors (one 2-D tensor,
// leading dimensions of size 1 dropped). Any thread.

#include "tessera/core/Matrix.h"

#include <string>
#include <vector>

namespace tessera {

// Names of the tensors in a safetensors file that can be shown as a matrix, sorted,
// the likely position tables ("position" or "wpe" in the name) first.
std::vector<std::string> matrixKeys(const std::string &safetensorsPath);

// Reads a matrix from path. For safetensors, key selects the tensor; when empty the first
// of matrixKeys() is taken. Throws tessera::Error naming the file, line or key.
Matrix readMatrix(const std::string &path, const std::string &key = {});

// Writes rows as lines of comma-separated values (shortest round-trip float text),
// preceded by a header line when header is not empty. Atomic.
void writeCsv(const std::string &path, const Matrix &matrix, const std::vector<std::string> &header = {});

// Writes named columns of equal length (a line plot's data) with a header line. Atomic.
void writeCsvColumns(const std::string &path, const std::vector<std::string> &names,
                     const std::vector<std::vector<double>> &columns);

// Writes a tensor as NumPy .npy (format 1.0, '<f4', C order), any number of dimensions. Atomic.
// Text cells with a header row, quoted as RFC 4180 wants (a cell holding a comma, a quote, a
// line break or leading/trailing spaces is put in double quotes, its quotes doubled), UTF-8;
// atomically, like writeCsv. Rows may be shorter than the header.
void writeCsvText(const std::string &path, const std::vector<std::string> &header,
                  const std::vector<std::vector<std::string>> &rows);
void writeNpy(const std::string &path, const FloatTensor &tensor);

} // namespace tessera
