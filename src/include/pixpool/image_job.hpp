#pragma once
/// One image: read it, filter it, write it. The image job: what one worker
/// does with one file. Decode with OpenCV,
/// apply the filter chain, write to a temporary file beside the output and
/// rename it into place, so no partial output ever exists.
///
/// Every per-file problem becomes an ImageError whose message names the file
/// and the reason ("a.jpg: cannot decode", "out/a.jpg: cannot write:
/// Permission denied"); the batch goes on.

#include <pixpool/filters.hpp>

#include <opencv2/core.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace pixpool {

class ImageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// How outputs are encoded. Same for every file of a batch.
struct OutputOptions {
    std::string format;    ///< "" keeps the input's; else jpg, png, webp, tiff or bmp
    /// JPEG and WebP quality 1..100; -1: the default, JPEG 95 and WebP 90
    /// (lossy: OpenCV's own WebP default is lossless, several times larger
    /// and slower to encode for a photo). Ignored with `webp_lossless`.
    int quality = -1;
    std::string prefix;    ///< prepended to output file names, e.g. "blurred_"
    /// JPEG: progressive (SOF2, loads coarse-to-fine, often a little smaller)
    /// instead of baseline (SOF0).
    bool progressive = false;
    /// PNG: zlib level 0 (none, fastest) .. 9 (smallest, slowest). 3 gives
    /// much smaller files than OpenCV's level 1 for little extra time.
    int png_compression = 3;
    /// WebP: lossless (VP8L) instead of lossy (VP8) at `quality`.
    bool webp_lossless = false;
    /// TIFF: "none", "lzw" (the default, lossless) or "deflate" (zlib,
    /// lossless, usually smaller than LZW, slower).
    std::string tiff_compression = "lzw";
    /// Also carry the input's EXIF, XMP and IPTC to the output where the
    /// format holds them (JPEG, PNG, WebP, TIFF; not BMP; WebP holds no
    /// IPTC), with the orientation set to 1 when the pixels were turned
    /// upright, and the EXIF thumbnail and pixel-size tags dropped. Without
    /// it only the ICC colour profile is kept (always, where the format
    /// allows: dropping it shifts colours).
    bool keep_metadata = false;
    /// A JPEG output of a JPEG input, with `quality` -1, is encoded at the
    /// input's own quality, estimated from its quantisation tables, so
    /// rewriting a photo (in place) neither degrades it nor bloats it.
    bool match_input_quality = false;
};

/// How inputs are read. Same for every file of a batch.
struct ReadOptions {
    /// Refuse an image whose header declares more pixels than this, before
    /// any pixel is decoded (decompression bombs). 0: no limit.
    std::uint64_t max_pixels = 250'000'000;
    /// Fail a file when its decoder warns (e.g. "Premature end of JPEG
    /// file"); otherwise the warning is reported with the file and it goes on.
    bool fail_on_warning = false;
    /// Turn the pixels upright from the EXIF orientation tag.
    bool auto_orient = true;
    /// When the chain begins with a downscaling resize (area or automatic
    /// interpolation), let the codec decode a JPEG (DCT scaling 1/2, 1/4,
    /// 1/8) or an opaque WebP at a reduced size, never under twice the
    /// resize's target, and finish with the area resize: several times
    /// faster for thumbnails, within 40 dB PSNR of the exact path. false:
    /// always decode every pixel (`--no-shrink-on-load`).
    bool shrink_on_load = true;
    /// A JPEG written as JPEG, through no filter or only filters that
    /// allow it (gaussian_blur), is filtered in its own YCbCr planes: the
    /// decoder skips chroma upsampling and colour conversion, the blur
    /// runs on Cb and Cr at their stored quarter size, and the encoder
    /// skips colour conversion and downsampling. Within 40 dB PSNR of the
    /// RGB path on photos. 4:2:0 JPEGs only, and not when auto_orient would
    /// turn the image. false: always decode to BGR (`--no-ycbcr`).
    bool filter_ycbcr = true;
};

/// Metadata carried from an input to its output, as plain bytes.
struct ImageMetadata {
    std::string icc;   ///< the ICC colour profile; empty: none
    std::string exif;  ///< EXIF as a TIFF-structured block (a JPEG APP1's after "Exif\0\0"); empty: none
    std::string xmp;   ///< the XMP packet (XML); empty: none
    std::string iptc;  ///< IPTC IIM datasets, as in a Photoshop 8BIM resource; empty: none
    bool empty() const { return icc.empty() && exif.empty() && xmp.empty() && iptc.empty(); }
};

/// One task: which file to read and where to write. The master decides both.
struct ImageTask {
    std::string input;
    std::string output;
};

/// Which file an input was, taken from the descriptor it was read through:
/// device and inode name the file; size, mtime and ctime its content (ctime
/// changes on every write and cannot be set back by cp -p, rsync -a or touch).
struct FileIdentity {
    std::uint64_t device = 0;
    std::uint64_t inode = 0;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
    std::int64_t ctime_ns = 0;

    bool operator==(const FileIdentity& other) const {
        return device == other.device && inode == other.inode && size == other.size &&
               mtime_ns == other.mtime_ns && ctime_ns == other.ctime_ns;
    }
    bool operator!=(const FileIdentity& other) const { return !(*this == other); }
};

/// What happened to one file that went well.
struct ImageOutcome {
    int width = 0;
    int height = 0;
    double decode_ms = 0;
    double filter_ms = 0;
    double encode_ms = 0;   ///< encode and write, including the rename
    std::string warnings;   ///< what the decoder warned about, one per line; empty if nothing
    FileIdentity input;     ///< the input as it was read (what the journal records)
};

/// Reads, filters and writes one image. Throws ImageError naming the file.
ImageOutcome process_image(const ImageTask& task, const filters::Chain& chain,
                           const OutputOptions& output, const ReadOptions& read = {});

/// Reads `path` (16-bit and alpha kept; turned upright from EXIF unless
/// `options.auto_orient` is false). The header is checked against
/// `options.max_pixels` before any pixel is decoded. Decoder warnings are
/// caught (never left on stderr) and appended to `warnings`. Throws
/// ImageError naming the file: "<file>: cannot read: <errno text>",
/// "<file>: is a directory", "<file>: cannot decode (...)", "<file>: refused:
/// WxH is N megapixels, over the limit of M (--max-pixels)", "<file>:
/// decoder warning: ..." (with fail_on_warning).
cv::Mat read_image(const std::string& path, const ReadOptions& options = {}, std::string* warnings = nullptr);

/// Writes `image` to `path` atomically: encodes to a temporary file in the
/// same folder, then renames it over `path`. On any failure the temporary file
/// is removed and ImageError is thrown naming `path` and the reason.
///
/// `metadata` goes into the encoded bytes in memory, before the file is
/// written, where the format holds it (JPEG, PNG, WebP, TIFF; not BMP): the
/// ICC profile, unless it is for other channels than the output has (an RGB
/// profile on a grayscale output), then the EXIF and XMP as given. Failing
/// to embed it is an ImageError "<path>: cannot write metadata: <reason>",
/// and nothing is written.
void write_image_atomically(const cv::Mat& image, const std::string& path,
                            const OutputOptions& output, const ImageMetadata& metadata = {});

}  // namespace pixpool
