#pragma once
// safetensors files (https://huggingface.co/docs/safetensors): an 8-byte little-endian
// header length, a JSON header naming every tensor's dtype, shape and byte range, then the
// data. The reader memory-maps the file and checks every bound before touching a byte:
// header length past the end, offsets out of range or overlapping, sizes that disagree
// with dtype x shape, products that overflow, duplicated keys. Reading converts any dtype
// in use to float32. Thread-safe for concurrent reads once opened.

#include "tessera/core/Matrix.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace tessera {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };

const char *dtypeName(DType dtype);
size_t dtypeSize(DType dtype);

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0; // byte offsets into the data section
    uint64_t end = 0;
};

class SafetensorsFile {
public:
    // Opens and validates path; throws tessera::Error naming the file (and key) on any defect.
    explicit SafetensorsFile(const std::string &path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile &) = delete;
    SafetensorsFile &operator=(const SafetensorsFile &) = delete;

    const std::string &path() const { return m_path; }
    std::vector<std::string> keys() const; // sorted
    bool contains(const std::string &key) const;
    const TensorInfo &info(const std::string &key) const; // throws for unknown keys
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }

    // The tensor converted to float32, shape kept.
    FloatTensor readFloat(const std::string &key) const;
    // An integer tensor (I64, I32, I16, I8, U8, BOOL) as int64 values and its shape.
    std::vector<int64_t> readInt64(const std::string &key) const;
    // A pointer to the raw bytes of a tensor (valid while the file is open).
    const uint8_t *rawData(const std::string &key) const;

private:
    std::string m_path;
    int m_fd = -1;
    const uint8_t *m_map = nullptr;
    size_t m_size = 0;
    uint64_t m_dataStart = 0;
    std::map<std::string, TensorInfo> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

// Writes tensors (in the given order) atomically to path, stored as F32, F16 or BF16
// (rounded to nearest even).
void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, FloatTensor>> &tensors,
                      const std::map<std::string, std::string> &metadata = {}, DType storeAs = DType::F32);
// The same with integer tensors too, stored as I64 after the float ones.
struct NamedIntegers {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<int64_t> values;
};
void writeSafetensors(const std::string &path, const std::vector<std::pair<std::string, FloatTensor>> &tensors,
                      const std::vector<NamedIntegers> &integers,
                      const std::map<std::string, std::string> &metadata = {}, DType storeAs = DType::F32);

// IEEE half and bfloat16 bit patterns to float.
float halfToFloat(uint16_t bits);
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
uint16_t floatToBfloat16(float value);

} // namespace tessera
