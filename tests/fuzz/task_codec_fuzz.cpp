/// Fuzzes the task/outcome codec (src/task_codec.cpp): the bytes a worker and
/// the master exchange for each image. Contract: garbage is an ImageError,
/// never a crash or an overread; whatever decodes encodes back to the same
/// bytes (the layout has a single spelling for every value).

#include "task_codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

template <typename Decode, typename Encode>
void check_round_trip(const std::string& bytes, Decode decode, Encode encode) {
    try {
        if (encode(decode(bytes)) != bytes) std::abort();
    } catch (const pixpool::ImageError&) {
        // malformed: refused, as the master does with a worker's garbage
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    check_round_trip(bytes, pixpool::decode_task, pixpool::encode_task);
    check_round_trip(bytes, pixpool::decode_outcome, pixpool::encode_outcome);
    return 0;
}
