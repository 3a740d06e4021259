/// Fuzzes the header readers: an input file's bytes, read for the declared
/// size, the JPEG scan count and the EXIF orientation before any pixel is
/// decoded (src/image_header.cpp, src/header_size*.cpp: the codecs' own
/// readers and pixpool's walk of OpenCV's), and the same bytes as an EXIF
/// block (src/codecs/exif.cpp, what the JPEG codec reads from APP1). These
/// bytes come from whoever made the file.
/// Contract: never throws, never crashes; the orientation is 1..8; the PNG
/// with its text chunks capped is no bigger than the file.

#include "codecs/codecs.hpp"
#include "header_size.hpp"
#include "image_header.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

[[noreturn]] void broken(const char* what) {
    std::fprintf(stderr, "header contract broken: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace pd = pixpool::detail;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    pd::InputBytes input;
    input.path = "fuzz.img";
    input.bytes.assign(data, data + size);
    const pd::ImageHeader header = pd::read_header(input);
    if (header.orientation < 1 || header.orientation > 8) broken("orientation outside 1..8");

    (void)pd::declared_size(bytes);
    (void)pd::opencv_format_size(bytes);
    if (pd::count_jpeg_scans(bytes) > size) broken("more JPEG scans than bytes");
    if (pd::png_with_text_capped(bytes, 1).size() > size) broken("capping text chunks made the PNG bigger");

    const int orientation = pd::exif_orientation(bytes);
    if (orientation < 1 || orientation > 8) broken("EXIF orientation outside 1..8");
    return 0;
}
