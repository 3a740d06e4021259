#pragma once
/// What a HEIC/HEIF or AVIF file holds beside the pixels of its primary
/// image, read with libheif: Exiv2 0.27 takes such a file for a QuickTime
/// video and finds neither its profile nor its EXIF. Private to pixpool_src.

#include <libheif/heif.h>

#include <string>
#include <string_view>

namespace pixpool::detail {

struct HeifMetadata {
    std::string icc;   ///< the ICC profile; empty: none (or only an nclx colour description)
    std::string exif;  ///< the EXIF, TIFF-structured (from its "II*\0" or "MM\0*"); empty: none
    std::string xmp;   ///< the XMP packet; empty: none
};

/// The ICC profile of `handle` ("prof" or "rICC"); empty when it has none.
std::string heif_icc_profile(const heif_image_handle* handle);

/// The primary image's metadata in `bytes`, a whole HEIF file; all of it
/// empty when libheif cannot read the file (the decoder says why). Throws
/// std::runtime_error naming what is damaged.
HeifMetadata read_heif_metadata(std::string_view bytes);

}  // namespace pixpool::detail
