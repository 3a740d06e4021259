#pragma once
/// AVIF and HEIC output through libheif, encoded in memory. Private to
/// pixpool_src.

#include <pixpool/image_job.hpp>

#include <opencv2/core.hpp>

#include <string>
#include <vector>

namespace pixpool::detail {

struct HeifOutput {
    std::string format = "avif";  ///< "avif" (AV1) or "heic" (HEVC)
    int quality = 60;             ///< 0..100, lossy
    std::string icc;              ///< ICC profile to embed; empty: none
    std::string exif;             ///< EXIF (TIFF-structured) to embed; empty: none
    std::string xmp;              ///< XMP packet to embed; empty: none
    int orientation = 1;          ///< 1..8: stored as irot/imir, for a picture kept as stored
};

/// True when this libheif has an encoder for "avif" or "heic".
bool can_encode_heif(const std::string& format);

/// The file's bytes. 16-bit images are stored at 8 bits. Throws ImageError
/// "<path>: cannot encode as avif: <reason>".
std::vector<unsigned char> encode_heif(const cv::Mat& image, const HeifOutput& output, const std::string& path);

}  // namespace pixpool::detail
