#include "tessera/core/TableIO.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"
#include "tessera/core/Log.h"
#include "tessera/core/Safetensors.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace tessera {
namespace {

constexpr size_t kMaxTableBytes = size_t(2) << 30;

bool looksLikePositionTable(const std::string &name)
{
    return name.find("position") != std::string::npos || name.find("wpe") != std::string::npos;
}

std::string formatFloat(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value > 0 ? "inf" : "-inf";
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value));
    return std::string(buffer, result.ptr);
}

std::vector<std::string> splitFields(const std::string &line)
{
    std::vector<std::string> fields;
    std::string current;
    for (char c : line) {
        if (c == ',' || c == ';' || c == '\t' || c == ' ') {
            if (!current.empty() || c != ' ')
                fields.push_back(current);
            current.clear();
        } else if (c != '\r') {
            current.push_back(c);
        }
    }
    if (!current.empty())
        fields.push_back(current);
    return fields;
}

bool parseNumber(const std::string &text, float &value)
{
    if (text.empty())
        return false;
    const char *begin = text.data();
    const char *end = begin + text.size();
    if (*begin == '+')
        ++begin;
    const auto result = std::from_chars(begin, end, value);
    if (result.ec == std::errc() && result.ptr == end)
        return true;
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (lower == "nan") {
        value = NAN;
        return true;
    }
    if (lower == "inf" || lower == "+inf") {
        value = INFINITY;
        return true;
    }
    if (lower == "-inf") {
        value = -INFINITY;
        return true;
    }
    return false;
}

// A field that starts like a number (a digit, sign or point): a header cell never does.
bool looksNumeric(const std::string &field)
{
    const size_t start = field.find_first_not_of(" \t");
    if (start == std::string::npos)
        return false;
    const char c = field[start];
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

Matrix readCsv(const std::string &path)
{
    std::string text = readFile(path, kMaxTableBytes);
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) // a UTF-8 byte order mark (Excel writes one)
        text.erase(0, 3);
    std::istringstream stream(text);
    std::string line;
    Matrix matrix;
    int lineNumber = 0;
    bool headerSeen = false;
    while (std::getline(stream, line)) {
        ++lineNumber;
        if (line.empty() || line == "\r" || line[0] == '#')
            continue;
        const std::vector<std::string> fields = splitFields(line);
        if (fields.empty())
            continue;
        // The first row is a header when none of its cells looks like a number; any other row
        // must be numbers, and a cell that is not is named by line and column.
        if (matrix.rows == 0 && !headerSeen &&
            std::none_of(fields.begin(), fields.end(), [](const std::string &f) { return looksNumeric(f); })) {
            headerSeen = true;
            logInfo(path + ": line " + std::to_string(lineNumber) + " is taken as a header (" +
                    (line.size() > 80 ? line.substr(0, 80) + "..." : line) + ")");
            continue;
        }
        std::vector<float> row(fields.size());
        for (size_t i = 0; i < fields.size(); ++i)
            if (!parseNumber(fields[i], row[i])) {
                const bool overflow = looksNumeric(fields[i]) && std::isinf(std::strtod(fields[i].c_str(), nullptr));
                throw Error("line " + std::to_string(lineNumber) + ", column " + std::to_string(i + 1) + ": \"" +
                                fields[i].substr(0, 40) + "\" " +
                                (overflow ? "is outside the range of a 32-bit float"
                                          : "is not a number (decimal, with an optional exponent)"),
                            path);
            }
        if (matrix.rows == 0)
            matrix.cols = static_cast<int64_t>(row.size());
        else if (static_cast<int64_t>(row.size()) != matrix.cols)
            throw Error("line " + std::to_string(lineNumber) + " has " + std::to_string(row.size()) +
                            " values, the lines before it " + std::to_string(matrix.cols),
                        path);
        matrix.values.insert(matrix.values.end(), row.begin(), row.end());
        ++matrix.rows;
    }
    if (matrix.empty())
        throw Error("no numbers found (expected one row of comma-separated values per line)", path);
    return matrix;
}

Matrix readNpy(const std::string &path)
{
    const std::string bytes = readFile(path, kMaxTableBytes);
    if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0)
        throw Error("not a NumPy .npy file (magic string missing)", path);
    const int major = static_cast<unsigned char>(bytes[6]);
    size_t headerLength = 0;
    size_t headerStart = 0;
    if (major == 1) {
        headerLength = static_cast<unsigned char>(bytes[8]) | static_cast<unsigned char>(bytes[9]) << 8;
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12)
            throw Error("truncated .npy header", path);
        for (int i = 3; i >= 0; --i)
            headerLength = headerLength << 8 | static_cast<unsigned char>(bytes[size_t(8 + i)]);
        headerStart = 12;
    } else {
        throw Error("unsupported .npy version " + std::to_string(major), path);
    }
    if (headerStart + headerLength > bytes.size())
        throw Error("header runs past the end of the file", path);
    const std::string header = bytes.substr(headerStart, headerLength);
    auto field = [&](const std::string &name) {
        const size_t at = header.find("'" + name + "'");
        if (at == std::string::npos)
            throw Error("header lacks '" + name + "'", path);
        return header.substr(header.find(':', at) + 1);
    };
    std::string descr = field("descr");
    descr = descr.substr(descr.find('\'') + 1);
    descr = descr.substr(0, descr.find('\''));
    const std::string order = field("fortran_order");
    const size_t value = order.find_first_not_of(" ");
    if (value == std::string::npos) // found by the table fuzz target: compare(npos) threw out_of_range
        throw Error("fortran_order has no value", path);
    if (order.compare(value, 4, "True") == 0)
        throw Error("Fortran-ordered arrays are not supported; save with numpy.ascontiguousarray", path);
    if (order.compare(value, 5, "False") != 0)
        throw Error("fortran_order must be True or False, found " +
                        order.substr(value, order.find_first_of(",}", value) - value),
                    path);
    std::string shapeText = field("shape");
    shapeText = shapeText.substr(shapeText.find('(') + 1);
    shapeText = shapeText.substr(0, shapeText.find(')'));
    FloatTensor tensor;
    for (const std::string &part : splitFields(shapeText)) {
        if (part.empty())
            continue;
        int64_t dim = 0;
        const auto result = std::from_chars(part.data(), part.data() + part.size(), dim);
        if (result.ec != std::errc() || dim < 0)
            throw Error("bad shape in header: (" + shapeText + ")", path);
        tensor.shape.push_back(dim);
    }
    const size_t dataStart = headerStart + headerLength;
    const uint64_t count = static_cast<uint64_t>(tensor.elementCount()); // throws on overflow
    size_t itemSize = 0;
    if (descr == "<f4" || descr == "<i4")
        itemSize = 4;
    else if (descr == "<f8" || descr == "<i8")
        itemSize = 8;
    else if (descr == "<f2")
        itemSize = 2;
    else
        throw Error("unsupported dtype '" + descr + "' (expected <f2, <f4, <f8, <i4 or <i8)", path);
    if (count > (bytes.size() - dataStart) / itemSize)
        throw Error("shape (" + shapeText + ") needs more data than the file holds (truncated?)", path);
    if (bytes.size() - dataStart != count * itemSize)
        throw Error(std::to_string(bytes.size() - dataStart - count * itemSize) + " byte(s) after the (" + shapeText +
                        ") array's data: not one .npy array (refused rather than ignored)",
                    path);
    tensor.values.resize(count);
    const char *data = bytes.data() + dataStart;
    for (uint64_t i = 0; i < count; ++i) {
        const char *p = data + i * itemSize;
        if (descr == "<f4") {
            float v;
            std::memcpy(&v, p, 4);
            tensor.values[i] = v;
        } else if (descr == "<f8") {
            double v;
            std::memcpy(&v, p, 8);
            tensor.values[i] = float(v);
        } else if (descr == "<i4") {
            int32_t v;
            std::memcpy(&v, p, 4);
            tensor.values[i] = float(v);
        } else if (descr == "<i8") {
            int64_t v;
            std::memcpy(&v, p, 8);
            tensor.values[i] = float(v);
        } else {
            uint16_t v;
            std::memcpy(&v, p, 2);
            tensor.values[i] = halfToFloat(v);
        }
    }
    return tensor.toMatrix(path);
}

} // namespace

std::vector<std::string> matrixKeys(const std::string &safetensorsPath)
{
    SafetensorsFile file(safetensorsPath);
    std::vector<std::string> keys;
    for (const std::string &key : file.keys()) {
        std::vector<int64_t> shape = file.info(key).shape;
        while (shape.size() > 2 && shape.front() == 1)
            shape.erase(shape.begin());
        if (shape.size() == 2 && shape[0] > 0 && shape[1] > 0)
            keys.push_back(key);
    }
    std::stable_sort(keys.begin(), keys.end(), [](const std::string &a, const std::string &b) {
        return looksLikePositionTable(a) && !looksLikePositionTable(b);
    });
    return keys;
}

Matrix readMatrix(const std::string &path, const std::string &key)
{
    const std::string extension = fileExtension(path);
    if (extension == "csv" || extension == "tsv" || extension == "txt")
        return readCsv(path);
    if (extension == "npy")
        return readNpy(path);
    if (extension == "safetensors") {
        std::string chosen = key;
        if (chosen.empty()) {
            const std::vector<std::string> keys = matrixKeys(path);
            if (keys.empty())
                throw Error("holds no two-dimensional tensor to show as a table", path);
            chosen = keys.front();
        }
        SafetensorsFile file(path);
        return file.readFloat(chosen).toMatrix(chosen);
    }
    if (extension == "bin" || extension == "pt" || extension == "pth" || extension == "ckpt")
        throw Error("pickle files can run code when opened and are never read; convert the checkpoint to "
                    "safetensors (safetensors.torch.save_file) and open that",
                    path);
    throw Error("unknown table format (expected .csv, .npy or .safetensors)", path);
}

namespace {
std::string csvCell(const std::string &cell)
{
    const bool quote = cell.find_first_of(",\"\r\n") != std::string::npos ||
                       (!cell.empty() && (cell.front() == ' ' || cell.back() == ' '));
    if (!quote)
        return cell;
    std::string quoted = "\"";
    for (char c : cell)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + '"';
}

void appendCsvLine(std::string &text, const std::vector<std::string> &cells)
{
    for (size_t i = 0; i < cells.size(); ++i)
        text += (i ? "," : "") + csvCell(cells[i]);
    text += '\n';
}
} // namespace

void writeCsv(const std::string &path, const Matrix &matrix, const std::vector<std::string> &header)
{
    std::string text;
    text.reserve(static_cast<size_t>(matrix.rows * matrix.cols) * 12);
    if (!header.empty())
        appendCsvLine(text, header);
    for (int64_t r = 0; r < matrix.rows; ++r) {
        for (int64_t c = 0; c < matrix.cols; ++c) {
            if (c)
                text += ',';
            text += formatFloat(matrix.at(r, c));
        }
        text += '\n';
    }
    writeFileAtomically(path, text);
}

void writeCsvColumns(const std::string &path, const std::vector<std::string> &names,
                     const std::vector<std::vector<double>> &columns)
{
    if (names.size() != columns.size())
        throw Error("column names and columns disagree in number", path);
    size_t length = 0;
    for (const auto &column : columns)
        length = std::max(length, column.size());
    std::string text;
    appendCsvLine(text, names); // a series named "a, b" is quoted
    for (size_t r = 0; r < length; ++r) {
        for (size_t c = 0; c < columns.size(); ++c) {
            if (c)
                text += ',';
            if (r < columns[c].size())
                text += formatFloat(columns[c][r]);
        }
        text += '\n';
    }
    writeFileAtomically(path, text);
}

void writeCsvText(const std::string &path, const std::vector<std::string> &header,
                  const std::vector<std::vector<std::string>> &rows)
{
    std::string text;
    appendCsvLine(text, header);
    for (const auto &row : rows) {
        if (row.size() > header.size())
            throw Error("a row has " + std::to_string(row.size()) + " cells, the header " +
                            std::to_string(header.size()),
                        path);
        appendCsvLine(text, row);
    }
    writeFileAtomically(path, text);
}

void writeNpy(const std::string &path, const FloatTensor &tensor)
{
    if (tensor.elementCount() != int64_t(tensor.values.size()))
        throw Error("shape " + shapeToString(tensor.shape) + " does not match its " +
                        std::to_string(tensor.values.size()) + " values",
                    path);
    std::string shape = "(";
    for (size_t i = 0; i < tensor.shape.size(); ++i)
        shape += std::to_string(tensor.shape[i]) + (tensor.shape.size() == 1 || i + 1 < tensor.shape.size() ? "," : "");
    shape += ")";
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    // Magic (6) + version (2) + length (2) + header + '\n', padded with spaces to a multiple of 64.
    while ((10 + header.size() + 1) % 64 != 0)
        header.push_back(' ');
    header.push_back('\n');
    std::string bytes("\x93NUMPY\x01\x00", 8);
    bytes.push_back(char(header.size() & 0xff));
    bytes.push_back(char(header.size() >> 8));
    bytes += header;
    bytes.append(reinterpret_cast<const char *>(tensor.values.data()), tensor.values.size() * sizeof(float));
    writeFileAtomically(path, bytes);
}

} // namespace tessera
