/// Fuzzes pixpool's own decoders from memory (src/codecs/: libjpeg-turbo,
/// libwebp, libheif, giflib behind pixpool's error handling, the pixel limit
/// and the EXIF and ICC readers). The bytes are a whole input file.
/// Contract: an image within the pixel limit, or an ImageError naming the
/// file; never another exception, a crash, or an allocation past the limit.
/// The formats left to cv::imdecode are skipped: their limit is held before
/// decoding, by the header readers (image_header_fuzz).

#include "codecs/codecs.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

namespace {

constexpr std::uint64_t kMaxPixels = 1u << 20;  ///< small: a fuzzed header's bomb must be refused, not decoded

[[noreturn]] void broken(const char* what) {
    std::fprintf(stderr, "decode contract broken: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace pd = pixpool::detail;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (pd::sniff(bytes) == pd::Codec::other) return 0;
    pd::DecodeRequest request;
    request.bytes = bytes;
    request.path = "fuzz.img";
    request.max_pixels = kMaxPixels;
    try {
        const pd::DecodedImage image = pd::decode_any(request);
        if (image.pixels.empty()) broken("no pixels and no error");
        if (image.pixels.total() > kMaxPixels) broken("decoded past the pixel limit");
        if (image.orientation < 1 || image.orientation > 8) broken("orientation outside 1..8");
    } catch (const pixpool::ImageError& e) {
        if (std::string_view(e.what()).rfind("fuzz.img: ", 0) != 0) broken("an error that does not name the file");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "not an ImageError: %s\n", e.what());
        broken("another exception");
    }
    return 0;
}
