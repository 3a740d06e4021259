#include "frame_messages.hpp"

#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace pixpool::frames_detail {
namespace {

/// Master and workers are the same binary, so the structs travel as they are.
template <typename T>
std::string to_bytes(const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    return std::string(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T from_bytes(const std::string& bytes, const char* what) {
    if (bytes.size() != sizeof(T)) {
        throw std::runtime_error(std::string("malformed ") + what + ": " + std::to_string(bytes.size()) +
                                 " bytes, expected " + std::to_string(sizeof(T)));
    }
    T value;
    std::memcpy(&value, bytes.data(), sizeof value);
    return value;
}

}  // namespace

std::string encode(const FrameTask& task) { return to_bytes(task); }
std::string encode(const FrameShape& shape) { return to_bytes(shape); }
FrameTask decode_task(const std::string& bytes) { return from_bytes<FrameTask>(bytes, "frame task"); }
FrameShape decode_shape(const std::string& bytes) { return from_bytes<FrameShape>(bytes, "frame result"); }

}  // namespace pixpool::frames_detail
