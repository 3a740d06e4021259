#pragma once
/// Putting an input's metadata on an encoded output, in memory, with Exiv2
/// (kept out of every header). Reading it is `pixpool::read_metadata` in the
/// public header; this is the write side, used by write_image_atomically
/// before the temporary file is written.

#include <pixpool/image_job.hpp>

#include <string>
#include <vector>

namespace pixpool::detail {

/// True for the output extensions whose metadata Exiv2 writes: jpg/jpeg/jpe,
/// png, webp, tif/tiff. Others (bmp, ...) get the pixels only.
bool format_holds_metadata(const std::string& ext);

/// "" if the ICC profile `icc` describes images with `channels` channels
/// (GRAY for 1, RGB for 3 or 4); else why not, e.g. "it is for CMYK, the
/// output is RGB". An empty profile fits everything.
std::string icc_mismatch(const std::string& icc, int channels);

/// Embeds `metadata` into `encoded`, an image in format `ext` with
/// `channels` channels: the ICC profile (unless icc_mismatch says it does
/// not fit; then it is left out), the EXIF and the XMP. A format that holds
/// no metadata is left as it is, and so is `encoded` when there is nothing
/// to embed. Throws ImageError "<path>: cannot write metadata: <reason>".
void embed_metadata(std::vector<unsigned char>& encoded, const std::string& ext, int channels,
                    const ImageMetadata& metadata, const std::string& path);

}  // namespace pixpool::detail
