#pragma once
/// What an image's header says, without decoding a pixel: the declared size
/// from the codec's own header reader (to refuse decompression bombs before
/// allocating them), a JPEG's number of scans (slow-decode bombs) and the
/// EXIF orientation (with Exiv2).

#include "input_file.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace pixpool::detail {

/// Text chunks of a PNG that are read at all (for the header and the
/// metadata); the rest are dropped unread. Real files have a handful.
constexpr std::size_t kTextChunksRead = 32;

/// Scans a JPEG may have: a progressive one has about ten, libjpeg-turbo's
/// own tools suggest a limit of a few hundred (djpeg -maxscans).
constexpr std::size_t kMaxJpegScans = 500;

struct ImageHeader {
    std::uint64_t width = 0;   ///< 0: the header cannot be read (see header_size.hpp)
    std::uint64_t height = 0;
    /// The size is unknown and the decoder's own reading of the header
    /// cannot be relied on to fail too: refuse under a pixel limit.
    bool size_unreadable = false;
    std::size_t jpeg_scans = 0;  ///< for a JPEG, its number of scans
    int orientation = 1;       ///< EXIF orientation 1..8; 1 when absent
};

/// Never throws: an unreadable header gives an empty ImageHeader, and the
/// decoder then says what is wrong with the file.
ImageHeader read_header(const InputBytes& input);

}  // namespace pixpool::detail
