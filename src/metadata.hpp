#pragma once
/// Putting an input's metadata on an encoded output, in memory, with Exiv2
/// (kept out of every public header): reading it from an input (a HEIF's
/// through libheif), and the write side, used by write_image_atomically
/// before the temporary file is written (AVIF and HEIC outputs get theirs
/// from libheif's encoder instead).

#include <pixpool/image_job.hpp>

#include "input_file.hpp"

#include <string>
#include <vector>

namespace pixpool {

/// What of `path`'s metadata its output should carry, read with Exiv2 (a
/// HEIC/HEIF or AVIF with libheif): the ICC profile always; with
/// `exif_and_xmp` also the EXIF, with the orientation set to 1 when
/// `upright` (the pixels were turned upright; a HEIF's always are) and
/// without the thumbnail, the pixel-size tags and the TIFF layout tags,
/// which would be wrong for the output, and the XMP, with its orientation
/// likewise, and the IPTC. An input without metadata, or in a format Exiv2 does not know,
/// gives an empty ImageMetadata. Metadata that is there but cannot be read
/// is an ImageError "<path>: cannot read metadata: <reason>" with
/// `exif_and_xmp` (the user asked for it); without, it is a line added to
/// `warnings` and an empty ImageMetadata.
ImageMetadata read_metadata(const std::string& path, bool exif_and_xmp, bool upright = true,
                            std::string* warnings = nullptr);


}  // namespace pixpool

namespace pixpool::detail {

/// pixpool::read_metadata on bytes already read (see there), so the
/// metadata comes from the very file that is decoded.
ImageMetadata read_metadata(const InputBytes& input, bool exif_and_xmp, bool upright, std::string* warnings);

/// True for the output extensions that hold metadata (Format::metadata):
/// jpg/jpeg/jpe, png, webp, tif/tiff through Exiv2, avif and heic/heif
/// through libheif's encoder. Others (bmp, ...) get the pixels only.
bool format_holds_metadata(const std::string& ext);

/// "" if the ICC profile `icc` describes images with `channels` channels
/// (GRAY for 1, RGB for 3 or 4); else why not, e.g. "it is for CMYK, the
/// output is RGB". An empty profile fits everything.
std::string icc_mismatch(const std::string& icc, int channels);

/// Embeds `metadata` into `encoded`, an image in format `ext` with
/// `channels` channels: the ICC profile (unless icc_mismatch says it does
/// not fit; then it is left out), the EXIF, the XMP and the IPTC (where the
/// format holds it). A format that holds no metadata, or whose encoder puts
/// it in (AVIF, HEIC), is left as it is, and so is `encoded` when there is
/// nothing to embed. Throws ImageError "<path>: cannot write metadata: <reason>".
void embed_metadata(std::vector<unsigned char>& encoded, const std::string& ext, int channels,
                    const ImageMetadata& metadata, const std::string& path);

}  // namespace pixpool::detail
