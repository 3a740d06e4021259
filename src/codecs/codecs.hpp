#pragma once
/// Decoding an image that is already in memory, one small file per codec:
/// JPEG through libjpeg-turbo, WebP through libwebp, HEIC/HEIF and AVIF
/// through libheif, GIF through giflib, everything else through
/// cv::imdecode; and encoding JPEG and WebP to memory with the same
/// libraries (HEIF: heif_encode.hpp). Private to pixpool_src.
///
/// Every codec takes the whole file's bytes and gives back the pixels as
/// OpenCV's imread(IMREAD_UNCHANGED) would (BGR, BGRA or gray, 8 or 16 bit),
/// the codec's warnings as text, and what it learnt of the metadata on the
/// way (EXIF orientation, ICC profile), so nothing reads the file again.
/// Every failure is an ImageError "<path>: <reason>".

#include <pixpool/image_job.hpp>

#include <opencv2/core.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pixpool::detail {

/// Shrink-on-load: given the size an image is stored at and its EXIF
/// orientation, the smallest size (as stored) it may be decoded at. A codec
/// that can decode at a reduced size picks the smallest it can that is at
/// least this big.
using SmallestSize = std::function<cv::Size(cv::Size stored, int orientation)>;

struct DecodeRequest {
    std::string_view bytes;        ///< the whole file
    std::string path;              ///< for messages only
    std::uint64_t max_pixels = 0;  ///< refuse an image declaring more (0: no limit), checked before decoding
    SmallestSize smallest;         ///< empty: decode at full size
};

struct DecodedImage {
    cv::Mat pixels;
    std::string warnings;   ///< the codec's warnings, one per line; empty if none
    int orientation = 1;    ///< EXIF orientation still to apply to `pixels` (1: they are upright)
    cv::Size stored;        ///< the size the file declares, before any shrink-on-load
    /// Decoded pixels per stored pixel along x and y: 1/d for JPEG's DCT
    /// scaling, where the last column and row stand for fewer than d pixels
    /// when d does not divide the size. The resize that finishes
    /// shrink-on-load uses it to cover exactly what a full decode would.
    cv::Vec2d scale{1, 1};
    int jpeg_quality = 0;   ///< a JPEG's estimated quality, 1..100 (estimate_jpeg_quality); 0: not a JPEG
    std::string icc;        ///< the ICC profile the codec found; empty: none (or the codec does not say)
    bool icc_known = false; ///< the codec looked for the ICC profile (so `icc` empty means there is none)
    /// decode_jpeg_planes: Y, Cb, Cr as stored (`pixels` stays empty).
    std::vector<cv::Mat> planes;
};

/// Which decoder the bytes are for, from their magic number.
enum class Codec { jpeg, webp, heif, gif, other };
Codec sniff(std::string_view bytes);

DecodedImage decode_jpeg(const DecodeRequest& request);
/// A 4:2:0 YCbCr JPEG's planes as stored, into out.planes: Y at the image's
/// size, Cb and Cr at half of it each way (rounding up), 8-bit. Returns
/// false, with the header read into `out` but no pixels, for any other JPEG
/// and, with `upright`, for one whose EXIF orientation would turn it.
bool decode_jpeg_planes(const DecodeRequest& request, bool upright, DecodedImage& out);
/// 8-bit BGR or gray (any step) encoded as cv::imencode(".jpg") would with
/// IMWRITE_JPEG_QUALITY `quality` (1..100) and IMWRITE_JPEG_PROGRESSIVE:
/// 4:2:0 (for BGR), JFIF. Throws ImageError naming `path` for any other type.
std::vector<uchar> encode_jpeg(const cv::Mat& image, int quality, bool progressive, const std::string& path);
/// Y, Cb, Cr planes as decode_jpeg_planes gives them, encoded as a 4:2:0
/// JPEG at `quality` (1..100) as OpenCV's encoder would (libjpeg's
/// defaults, JFIF), progressive on request. Throws ImageError naming `path`.
std::vector<uchar> encode_jpeg_planes(const std::vector<cv::Mat>& planes, int quality, bool progressive,
                                      const std::string& path);
DecodedImage decode_webp(const DecodeRequest& request);
/// 8-bit gray, BGR or BGRA (any step) encoded as cv::imencode(".webp") would
/// with IMWRITE_WEBP_QUALITY `quality` (1..100; over 100: lossless), or
/// lossless; gray is stored as BGR. Throws ImageError naming `path`.
std::vector<uchar> encode_webp(const cv::Mat& image, int quality, bool lossless, const std::string& path);
DecodedImage decode_heif(const DecodeRequest& request);
DecodedImage decode_gif(const DecodeRequest& request);
DecodedImage decode_other(const DecodeRequest& request);   ///< cv::imdecode, its warnings captured
DecodedImage decode_any(const DecodeRequest& request);     ///< sniff, then the codec for it

/// The quality (1..100) libjpeg would have been given to write the
/// luminance quantisation table `luminance` (64 values, natural order):
/// the one whose IJG table is closest. 0 for no table.
int estimate_jpeg_quality(const std::uint16_t* luminance);

/// Throws ImageError "<path>: refused: WxH is N megapixels, over the limit
/// of M (--max-pixels)" when width x height exceeds max_pixels (0: no limit).
void refuse_bombs(const std::string& path, std::uint64_t width, std::uint64_t height, std::uint64_t max_pixels);

/// Messages as one line ("a; b"), for an error: libpng prints one line per
/// warning, and an error must stay one entry of the summary.
std::string one_line(const std::string& messages);

/// The EXIF orientation (1..8) in an EXIF block (TIFF-structured, as after a
/// JPEG APP1's "Exif\0\0"); 1 when absent or unreadable.
int exif_orientation(std::string_view tiff_block);

/// `image` turned upright from EXIF `orientation` (1..8; 1: as it is).
cv::Mat turned_upright(const cv::Mat& image, int orientation);

/// The largest of 1, 2, 4, 8 that divides `stored` (rounding up, as libjpeg
/// does) to no less than `at_least` on both sides.
int shrink_denominator(cv::Size stored, cv::Size at_least);

}  // namespace pixpool::detail
