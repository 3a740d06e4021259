#pragma once
/// What an image's header says, read with Exiv2 without decoding a pixel:
/// the declared size (to refuse decompression bombs before allocating them)
/// and the EXIF orientation.

#include "input_file.hpp"

#include <cstdint>
#include <string>

namespace pixpool::detail {

struct ImageHeader {
    std::uint64_t width = 0;   ///< 0: the header did not say (or the format is unknown to Exiv2)
    std::uint64_t height = 0;
    int orientation = 1;       ///< EXIF orientation 1..8; 1 when absent
};

/// Never throws: an unreadable header gives an empty ImageHeader, and the
/// decoder then says what is wrong with the file.
ImageHeader read_header(const InputBytes& input);

}  // namespace pixpool::detail
