#include "tessera/core/Safetensors.h"

#include "tessera/core/Error.h"
#include "tessera/core/FileIO.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <unordered_set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tessera {
namespace {

// The first key that appears twice at the top level of the JSON in [begin, end), or empty (also
// for text that is not JSON: the DOM parse reports that). Linear in the header's size.
struct DuplicateKeys : nlohmann::json_sax<nlohmann::json> {
    int depth = 0;
    std::unordered_set<std::string> seen;
    std::string duplicate;
    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t &) override { return true; }
    bool string(string_t &) override { return true; }
    bool binary(binary_t &) override { return true; }
    bool start_object(std::size_t) override { return ++depth, true; }
    bool end_object() override { return --depth, true; }
    bool start_array(std::size_t) override { return ++depth, true; }
    bool end_array() override { return --depth, true; }
    bool key(string_t &name) override
    {
        if (depth == 1 && !seen.insert(name).second && duplicate.empty())
            duplicate = name;
        return true;
    }
    bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &) override { return false; }
};

std::string firstDuplicateTopLevelKey(const char *begin, const char *end)
{
    DuplicateKeys keys;
    nlohmann::json::sax_parse(begin, end, &keys, nlohmann::json::input_format_t::json, false);
    return keys.duplicate;
}

// A header larger than this is not a checkpoint; refusing it bounds the JSON parser's memory.
constexpr uint64_t kMaxHeaderBytes = 100ull * 1024 * 1024;

DType parseDType(const std::string &text, const std::string &file, const std::string &key)
{
    static const std::map<std::string, DType> names = {
        {"F64", DType::F64}, {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16}, {"I64", DType::I64},
        {"I32", DType::I32}, {"I16", DType::I16}, {"I8", DType::I8},   {"U8", DType::U8},     {"BOOL", DType::Bool}};
    const auto it = names.find(text);
    if (it == names.end())
        throw Error("unknown dtype \"" + text + "\" (expected one of F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)",
                    file, key);
    return it->second;
}

template <class T> T loadUnaligned(const uint8_t *p)
{
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
}

} // namespace

const char *dtypeName(DType dtype)
{
    switch (dtype) {
    case DType::F64:
        return "F64";
    case DType::F32:
        return "F32";
    case DType::F16:
        return "F16";
    case DType::BF16:
        return "BF16";
    case DType::I64:
        return "I64";
    case DType::I32:
        return "I32";
    case DType::I16:
        return "I16";
    case DType::I8:
        return "I8";
    case DType::U8:
        return "U8";
    case DType::Bool:
        return "BOOL";
    }
    return "?";
}

size_t dtypeSize(DType dtype)
{
    switch (dtype) {
    case DType::F64:
    case DType::I64:
        return 8;
    case DType::F32:
    case DType::I32:
        return 4;
    case DType::F16:
    case DType::BF16:
    case DType::I16:
        return 2;
    case DType::I8:
    case DType::U8:
    case DType::Bool:
        return 1;
    }
    return 1;
}

float halfToFloat(uint16_t h)
{
    const uint32_t sign = uint32_t(h & 0x8000u) << 16;
    const uint32_t exponent = (h >> 10) & 0x1fu;
    uint32_t mantissa = h & 0x3ffu;
    uint32_t bits;
    if (exponent == 0) {
        if (mantissa == 0) {
            bits = sign;
        } else { // subnormal: renormalise
            int shift = 0;
            while (!(mantissa & 0x400u)) {
                mantissa <<= 1;
                ++shift;
            }
            mantissa &= 0x3ffu;
            bits = sign | uint32_t(127 - 15 - shift + 1) << 23 | mantissa << 13;
        }
    } else if (exponent == 0x1f) {
        bits = sign | 0x7f800000u | mantissa << 13;
    } else {
        bits = sign | (exponent + 127 - 15) << 23 | mantissa << 13;
    }
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

float bfloat16ToFloat(uint16_t h)
{
    const uint32_t bits = uint32_t(h) << 16;
    float value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

SafetensorsFile::SafetensorsFile(const std::string &path) : m_path(path)
{
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting forever; it
    // is then refused as not a regular file (the flag changes nothing for regular files).
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (m_fd < 0)
        throw Error(std::string("cannot open file: ") + std::strerror(errno), path);
    try {
        struct stat st {};
        if (::fstat(m_fd, &st) != 0 || !S_ISREG(st.st_mode))
            throw Error(S_ISFIFO(st.st_mode) ? "not a regular file: a FIFO (named pipe)" : "not a regular file", path);
        m_size = static_cast<size_t>(st.st_size);
        if (m_size < 8)
            throw Error("file is " + std::to_string(m_size) +
                            " bytes, too short for a safetensors header (8 bytes of length + JSON)",
                        path);
        void *mapped = ::mmap(nullptr, m_size, PROT_READ, MAP_PRIVATE, m_fd, 0);
        if (mapped == MAP_FAILED)
            throw Error(std::string("cannot map file: ") + std::strerror(errno), path);
        m_map = static_cast<const uint8_t *>(mapped);

        uint64_t headerLength = 0;
        for (int i = 7; i >= 0; --i)
            headerLength = headerLength << 8 | m_map[i];
        if (headerLength > m_size - 8)
            throw Error("header length " + std::to_string(headerLength) + " runs past the end of the " +
                            std::to_string(m_size) + "-byte file (truncated or not safetensors)",
                        path);
        if (headerLength > kMaxHeaderBytes)
            throw Error("header of " + std::to_string(headerLength) + " bytes is larger than the 100 MB allowed", path);
        m_dataStart = 8 + headerLength;
        const uint64_t dataSize = m_size - m_dataStart;

        // Duplicated top-level keys are rejected: which copy wins would be a guess. A SAX pass
        // collects them in linear time (nlohmann's callback parser made 100,000 keys take
        // minutes); the DOM is then parsed without a callback.
        const char *begin = reinterpret_cast<const char *>(m_map + 8);
        const std::string duplicate = firstDuplicateTopLevelKey(begin, begin + headerLength);
        nlohmann::json header;
        try {
            header = nlohmann::json::parse(begin, begin + headerLength);
        } catch (const nlohmann::json::exception &e) {
            throw Error(std::string("header is not valid JSON: ") + e.what(), path);
        }
        if (!duplicate.empty())
            throw Error("tensor name appears twice in the header", path, duplicate);
        if (!header.is_object())
            throw Error("header is not a JSON object", path);

        std::vector<const TensorInfo *> byOffset;
        for (auto it = header.begin(); it != header.end(); ++it) {
            const std::string &key = it.key();
            const nlohmann::json &entry = it.value();
            if (key == "__metadata__") {
                if (!entry.is_object())
                    throw Error("__metadata__ must be an object of strings", path, key);
                for (auto m = entry.begin(); m != entry.end(); ++m) {
                    if (!m.value().is_string())
                        throw Error("__metadata__ values must be strings", path, m.key());
                    m_metadata[m.key()] = m.value().get<std::string>();
                }
                continue;
            }
            if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
                !entry.contains("data_offsets"))
                throw Error("entry needs dtype, shape and data_offsets", path, key);
            const auto &dtype = entry["dtype"];
            const auto &shape = entry["shape"];
            const auto &offsets = entry["data_offsets"];
            if (!dtype.is_string())
                throw Error("dtype is not a string", path, key);
            if (!shape.is_array())
                throw Error("shape is not an array", path, key);
            if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
                !offsets[1].is_number_unsigned())
                throw Error("data_offsets must be two non-negative integers", path, key);
            TensorInfo info;
            info.name = key;
            info.dtype = parseDType(dtype.get<std::string>(), path, key);
            uint64_t elements = 1;
            for (const auto &d : shape) {
                if (!d.is_number_unsigned())
                    throw Error("shape entries must be non-negative integers", path, key);
                const uint64_t dim = d.get<uint64_t>();
                if (dim > 0 && elements > (uint64_t(1) << 62) / dim)
                    throw Error("shape " + shape.dump() + " has more elements than any file can hold", path, key);
                elements *= dim;
                info.shape.push_back(static_cast<int64_t>(dim));
            }
            info.begin = offsets[0].get<uint64_t>();
            info.end = offsets[1].get<uint64_t>();
            if (info.begin > info.end)
                throw Error("data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                                "] end before they begin",
                            path, key);
            if (info.end > dataSize)
                throw Error("data_offsets end at byte " + std::to_string(info.end) + " but the data section has only " +
                                std::to_string(dataSize) + " bytes (truncated file?)",
                            path, key);
            uint64_t expected = 0;
            if (__builtin_mul_overflow(elements, uint64_t(dtypeSize(info.dtype)), &expected) || expected > dataSize)
                throw Error(std::string(dtypeName(info.dtype)) + " " + shapeToString(info.shape) +
                                " needs more bytes than the file holds",
                            path, key);
            if (info.end - info.begin != expected)
                throw Error("holds " + std::to_string(info.end - info.begin) + " bytes but " +
                                std::string(dtypeName(info.dtype)) + " " + shapeToString(info.shape) + " needs " +
                                std::to_string(expected),
                            path, key);
            m_tensors.emplace(key, std::move(info));
        }
        for (const auto &[key, info] : m_tensors)
            byOffset.push_back(&info);
        std::sort(byOffset.begin(), byOffset.end(),
                  [](const TensorInfo *a, const TensorInfo *b) { return a->begin < b->begin; });
        for (size_t i = 1; i < byOffset.size(); ++i)
            if (byOffset[i]->begin < byOffset[i - 1]->end)
                throw Error("its bytes overlap those of \"" + byOffset[i - 1]->name + "\"", path, byOffset[i]->name);
        // The format requires the tensors to cover the data section exactly, as the reference
        // library checks: no bytes before the first, between two or after the last.
        uint64_t covered = 0;
        for (const TensorInfo *info : byOffset) {
            if (info->begin != covered)
                throw Error("data_offsets [" + std::to_string(info->begin) + ", " + std::to_string(info->end) +
                                "] leave bytes " + std::to_string(covered) + "-" + std::to_string(info->begin) +
                                " that no tensor owns (the tensors must cover the data section without gaps)",
                            path, info->name);
            covered = info->end;
        }
        if (covered != dataSize)
            throw Error(std::to_string(dataSize - covered) + " trailing byte(s) after the last tensor (bytes " +
                            std::to_string(covered) + "-" + std::to_string(dataSize) +
                            " of the data section belong to none)",
                        path);
    } catch (...) {
        if (m_map)
            ::munmap(const_cast<uint8_t *>(m_map), m_size);
        ::close(m_fd);
        throw;
    }
}

SafetensorsFile::~SafetensorsFile()
{
    if (m_map)
        ::munmap(const_cast<uint8_t *>(m_map), m_size);
    if (m_fd >= 0)
        ::close(m_fd);
}

std::vector<std::string> SafetensorsFile::keys() const
{
    std::vector<std::string> names;
    names.reserve(m_tensors.size());
    for (const auto &entry : m_tensors)
        names.push_back(entry.first);
    return names;
}

bool SafetensorsFile::contains(const std::string &key) const
{
    return m_tensors.count(key) != 0;
}

const TensorInfo &SafetensorsFile::info(const std::string &key) const
{
    const auto it = m_tensors.find(key);
    if (it == m_tensors.end())
        throw Error("no tensor of this name in the file", m_path, key);
    return it->second;
}

FloatTensor SafetensorsFile::readFloat(const std::string &key) const
{
    const TensorInfo &tensor = info(key);
    FloatTensor result;
    result.shape = tensor.shape;
    const size_t count = static_cast<size_t>((tensor.end - tensor.begin) / dtypeSize(tensor.dtype));
    result.values.resize(count);
    if (count == 0)
        return result; // an empty tensor has no bytes to read (and memcpy may not see a null pointer)
    const uint8_t *data = m_map + m_dataStart + tensor.begin;
    float *out = result.values.data();
    switch (tensor.dtype) {
    case DType::F32:
        std::memcpy(out, data, count * 4);
        break;
    case DType::F64:
        for (size_t i = 0; i < count; ++i)
            out[i] = static_cast<float>(loadUnaligned<double>(data + 8 * i));
        break;
    case DType::F16:
        for (size_t i = 0; i < count; ++i)
            out[i] = halfToFloat(loadUnaligned<uint16_t>(data + 2 * i));
        break;
    case DType::BF16:
        for (size_t i = 0; i < count; ++i)
            out[i] = bfloat16ToFloat(loadUnaligned<uint16_t>(data + 2 * i));
        break;
    case DType::I64:
        for (size_t i = 0; i < count; ++i)
            out[i] = static_cast<float>(loadUnaligned<int64_t>(data + 8 * i));
        break;
    case DType::I32:
        for (size_t i = 0; i < count; ++i)
            out[i] = static_cast<float>(loadUnaligned<int32_t>(data + 4 * i));
        break;
    case DType::I16:
        for (size_t i = 0; i < count; ++i)
            out[i] = static_cast<float>(loadUnaligned<int16_t>(data + 2 * i));
        break;
    case DType::I8:
        for (size_t i = 0; i < count; ++i)
            out[i] = static_cast<float>(static_cast<int8_t>(data[i]));
        break;
    case DType::U8:
        for (size_t i = 0; i < count; ++i)
            out[i] = static_cast<float>(data[i]);
        break;
    case DType::Bool:
        for (size_t i = 0; i < count; ++i)
            out[i] = data[i] ? 1.0f : 0.0f;
        break;
    }
    return result;
}

std::vector<int64_t> SafetensorsFile::readInt64(const std::string &key) const
{
    const TensorInfo &tensor = info(key);
    const size_t count = static_cast<size_t>((tensor.end - tensor.begin) / dtypeSize(tensor.dtype));
    std::vector<int64_t> out(count);
    if (count == 0)
        return out;
    const uint8_t *data = m_map + m_dataStart + tensor.begin;
    switch (tensor.dtype) {
    case DType::I64:
        for (size_t i = 0; i < count; ++i)
            out[i] = loadUnaligned<int64_t>(data + 8 * i);
        break;
    case DType::I32:
        for (size_t i = 0; i < count; ++i)
            out[i] = loadUnaligned<int32_t>(data + 4 * i);
        break;
    case DType::I16:
        for (size_t i = 0; i < count; ++i)
            out[i] = loadUnaligned<int16_t>(data + 2 * i);
        break;
    case DType::I8:
        for (size_t i = 0; i < count; ++i)
            out[i] = static_cast<int8_t>(data[i]);
        break;
    case DType::U8:
    case DType::Bool:
        for (size_t i = 0; i < count; ++i)
            out[i] = data[i];
        break;
    default:
        throw Error(std::string("expected an integer tensor, found ") + dtypeName(tensor.dtype), m_path, key);
    }
    return out;
}

const uint8_t *SafetensorsFile::rawData(const std::string &key) const
{
    return m_map + m_dataStart + info(key).begin;
}

uint16_t floatToBfloat16(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    if ((bits & 0x7fffffffu) > 0x7f800000u)
        return uint16_t((bits >> 16) | 0x40); // keep NaN a NaN
    bits += 0x7fffu + ((bits >> 16) & 1u);    // round to nearest even
    return uint16_t(bits >> 16);
}

uint16_t floatToHalf(float value)
{
    uint32_t bits;
    std::memcpy(&bits, &value, sizeof bits);
    const uint32_t sign = (bits >> 16) & 0x8000u;
    const uint32_t magnitude = bits & 0x7fffffffu;
    if (magnitude > 0x7f800000u)
        return uint16_t(sign | 0x7e00u);
    if (magnitude >= 0x477ff000u) // rounds to beyond 65504
        return uint16_t(sign | 0x7c00u);
    if (magnitude < 0x38800000u) { // subnormal half or zero
        if (magnitude < 0x33000000u)
            return uint16_t(sign);
        const uint32_t exponent = magnitude >> 23;
        const uint32_t mantissa = (magnitude & 0x7fffffu) | 0x800000u;
        const uint32_t shift = 126 - exponent; // value / 2^-24 = mantissa * 2^(exponent - 126)
        uint32_t half = mantissa >> shift;
        const uint32_t remainder = mantissa & ((1u << shift) - 1);
        const uint32_t halfway = 1u << (shift - 1);
        if (remainder > halfway || (remainder == halfway && (half & 1u)))
            ++half;
        return uint16_t(sign | half);
    }
    uint32_t half = ((magnitude - 0x38000000u) >> 13);
    const uint32_t remainder = magnitude & 0x1fffu;
    if (remainder > 0x1000u || (remainder == 0x1000u && (half & 1u)))
        ++half;
    return uint16_t(sign | half);
}

void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, FloatTensor>> &tensors,
                      const std::map<std::string, std::string> &metadata, DType storeAs)
{
    writeSafetensors(path, tensors, {}, metadata, storeAs);
}

void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, FloatTensor>> &tensors,
                      const std::vector<NamedIntegers> &integers, const std::map<std::string, std::string> &metadata,
                      DType storeAs)
{
    if (storeAs != DType::F32 && storeAs != DType::F16 && storeAs != DType::BF16)
        throw Error("tensors can be saved as F32, F16 or BF16", path);
    const size_t itemSize = dtypeSize(storeAs);
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto &[name, tensor] : tensors) {
        if (static_cast<int64_t>(tensor.values.size()) != tensor.elementCount())
            throw Error("shape " + shapeToString(tensor.shape) + " does not match its " +
                            std::to_string(tensor.values.size()) + " values",
                        path, name);
        const uint64_t bytes = tensor.values.size() * itemSize;
        header[name] = {
            {"dtype", dtypeName(storeAs)}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    for (const NamedIntegers &tensor : integers) {
        int64_t count = 1;
        for (int64_t d : tensor.shape)
            count *= d;
        if (count != static_cast<int64_t>(tensor.values.size()))
            throw Error("shape " + shapeToString(tensor.shape) + " does not match its " +
                            std::to_string(tensor.values.size()) + " values",
                        path, tensor.name);
        const uint64_t bytes = tensor.values.size() * sizeof(int64_t);
        header[tensor.name] = {{"dtype", "I64"}, {"shape", tensor.shape}, {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string json = header.dump();
    // Pad with spaces so the data section starts 8-byte aligned, as the reference writer does.
    while ((8 + json.size()) % 8 != 0)
        json.push_back(' ');
    std::string bytes;
    bytes.reserve(8 + json.size() + offset);
    const uint64_t length = json.size();
    for (int i = 0; i < 8; ++i)
        bytes.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
    bytes += json;
    for (const auto &entry : tensors) {
        if (storeAs == DType::F32) {
            bytes.append(reinterpret_cast<const char *>(entry.second.values.data()),
                         entry.second.values.size() * sizeof(float));
            continue;
        }
        for (float v : entry.second.values) {
            const uint16_t h = storeAs == DType::F16 ? floatToHalf(v) : floatToBfloat16(v);
            bytes.push_back(char(h & 0xff));
            bytes.push_back(char(h >> 8));
        }
    }
    for (const NamedIntegers &tensor : integers)
        for (int64_t v : tensor.values)
            for (int i = 0; i < 8; ++i)
                bytes.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
    writeFileAtomically(path, bytes);
}

} // namespace tessera
