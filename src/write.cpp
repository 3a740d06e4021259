/// Writing one image atomically: encode in memory (metadata included), then
/// put the bytes in place with atomic_file.hpp. A reader (or a crash, or a
/// worker killed on timeout) never sees a half-written output.

#include "atomic_file.hpp"
#include "codecs/codecs.hpp"
#include "codecs/heif_encode.hpp"
#include "codecs/opencv_module.hpp"
#include "detail.hpp"
#include "metadata.hpp"

#include <pixpool/formats.hpp>

#include <opencv2/imgcodecs.hpp>  // IMWRITE_* only: the codecs are in the module
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <new>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace pixpool {
namespace {

/// What the format table says the output's format cannot hold. Formats
/// outside the table (or not offered by --format) are left as they are.
bool is_8bit_only(const std::string& ext) {
    const Format* format = find_format(ext);
    return format && format->writable && !format->sixteen_bit;
}
bool drops_alpha(const std::string& ext) {
    const Format* format = find_format(ext);
    return format && format->writable && !format->alpha;
}

/// Makes `image` storable as `ext`. Left to itself, cv::imencode would
/// saturate 16-bit values to 255 (a white image) and pixpool's JPEG and
/// WebP encoders take 8-bit only, so 16-bit is scaled down
/// by 1/257 (65535 -> 255). JPEG and BMP have no alpha channel: it is dropped
/// (BGRA -> BGR), not blended, as the pixels under it are kept as they are.
cv::Mat convert_for_format(const cv::Mat& image, const std::string& ext) {
    cv::Mat out = image;
    if (is_8bit_only(ext) && out.depth() == CV_16U) out.convertTo(out, CV_8U, 1.0 / 257.0);
    if (drops_alpha(ext) && out.channels() == 4) cv::cvtColor(out, out, cv::COLOR_BGRA2BGR);
    return out;
}

int jpeg_quality(const OutputOptions& output) { return output.quality < 0 ? 95 : output.quality; }

bool is_jpeg(const std::string& ext) { return find_format(ext) == find_format("jpg"); }
bool is_heif(const std::string& ext) { return ext == "avif" || ext == "heic" || ext == "heif"; }

/// AVIF and HEIC through libheif, which puts the ICC profile, EXIF and XMP
/// into the container itself (Exiv2 0.27 cannot write them there; a HEIF
/// holds no IPTC). Lossy at `quality`, by default 60 (sharp's default is 50;
/// 60 keeps photo detail).
std::vector<uchar> encode_heif_file(const cv::Mat& image, const std::string& path, const std::string& ext,
                                    const OutputOptions& output, const ImageMetadata& metadata) {
    detail::HeifOutput heif;
    heif.format = ext == "avif" ? "avif" : "heic";
    heif.quality = output.quality < 0 ? 60 : output.quality;
    // libheif is given RGB even for a gray picture (encode_heif), so an RGB
    // profile fits it and a GRAY one does not.
    if (detail::icc_mismatch(metadata.icc, 3).empty()) heif.icc = metadata.icc;
    heif.exif = metadata.exif;
    heif.xmp = metadata.xmp;
    try {
        return detail::encode_heif(image, heif, path);
    } catch (const cv::Exception& e) {
        throw ImageError(path + ": cannot encode as " + ext + ": " + e.err);
    }
}

/// libtiff's COMPRESSION_* values, as cv::IMWRITE_TIFF_COMPRESSION takes them.
int tiff_compression_code(const std::string& name, const std::string& path) {
    if (name == "none") return 1;       // COMPRESSION_NONE
    if (name == "lzw" || name.empty()) return 5;  // COMPRESSION_LZW (OpenCV's default)
    if (name == "deflate") return 8;    // COMPRESSION_ADOBE_DEFLATE
    throw ImageError(path + ": cannot encode: unknown TIFF compression '" + name + "' (none, lzw or deflate)");
}

constexpr int kWebpMaxSide = 16383;

/// WebP is lossy at quality 90 unless asked otherwise (OpenCV's default
/// with no quality was lossless).
std::vector<uchar> encode_webp_file(const cv::Mat& image, const std::string& path, const OutputOptions& output) {
    if (std::max(image.cols, image.rows) > kWebpMaxSide)  // libwebp's limit; it says only "bad dimension"
        throw ImageError(path + ": cannot encode as webp: WebP holds at most " + std::to_string(kWebpMaxSide) +
                         " pixels a side, the image is " + std::to_string(image.cols) + "x" +
                         std::to_string(image.rows));
    return detail::encode_webp(image, output.quality < 0 ? 90 : output.quality, output.webp_lossless, path);
}

/// cv::imencode's parameters from the options (see OutputOptions for each field).
std::vector<int> imencode_params(const std::string& ext, const OutputOptions& output, const std::string& path) {
    if (ext == "png") {
        if (output.png_compression < 0 || output.png_compression > 9)
            throw ImageError(path + ": cannot encode: PNG compression must be 0..9, got " +
                             std::to_string(output.png_compression));
        return {cv::IMWRITE_PNG_COMPRESSION, output.png_compression};
    }
    if (find_format(ext) == find_format("tiff")) {
        return {cv::IMWRITE_TIFF_COMPRESSION, tiff_compression_code(output.tiff_compression, path)};
    }
    return {};
}

/// Every format without a codec of pixpool's own, through OpenCV's imgcodecs.
std::vector<uchar> encode_with_opencv(const cv::Mat& image, const std::string& ext, const std::vector<int>& params,
                                      const std::string& path) {
    std::vector<uchar> bytes;
    std::string error;
    if (!detail::opencv_codecs(path, ("encode as " + ext).c_str()).encode(ext, image, params, bytes, error))
        throw ImageError(path + ": cannot encode as " + ext + ": " + error);
    return bytes;
}

/// The file's bytes: the pixels encoded, then the metadata put into them.
std::vector<uchar> encode(const cv::Mat& image, const std::string& path, const OutputOptions& output,
                          const ImageMetadata& metadata) {
    const std::string ext = detail::lower_extension(path);
    if (ext.empty()) throw ImageError(path + ": cannot encode: no file extension to choose a format");
    if (is_heif(ext)) return encode_heif_file(image, path, ext, output, metadata);
    std::vector<uchar> bytes;
    int channels = image.channels();
    try {
        const cv::Mat ready = convert_for_format(image, ext);
        channels = ready.channels();
        if (is_jpeg(ext))
            bytes = detail::encode_jpeg(ready, jpeg_quality(output), output.progressive, path);
        else if (ext == "webp")
            bytes = encode_webp_file(ready, path, output);
        else
            bytes = encode_with_opencv(ready, ext, imencode_params(ext, output, path), path);
    } catch (const cv::Exception& e) {
        throw ImageError(path + ": cannot encode as " + ext + ": " + e.err);
    } catch (const std::bad_alloc&) {
        throw ImageError(path + ": cannot encode as " + ext + ": out of memory");
    }
    detail::embed_metadata(bytes, ext, channels, metadata, path);
    return bytes;
}

void create_parent_folder(const fs::path& folder, const std::string& path) {
    if (folder.empty()) return;
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw ImageError(path + ": cannot create folder " + folder.string() + ": " + ec.message());
}

}  // namespace

int detail::write_all(int fd, const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::write(fd, bytes + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        done += static_cast<std::size_t>(n);
    }
    return 0;
}

namespace {

/// `bytes` put in place at `path`. The folder is made only when the write
/// finds it missing: checking first would cost a stat per file for folders
/// that almost always exist.
void write_atomically(const std::vector<uchar>& bytes, const std::string& path) {
    int err = detail::write_file_atomically(path, bytes.data(), bytes.size());
    if ((err == ENOENT || err == ENOTDIR) && !fs::path(path).parent_path().empty()) {
        create_parent_folder(fs::path(path).parent_path(), path);
        err = detail::write_file_atomically(path, bytes.data(), bytes.size());
    }
    if (err != 0) throw detail::errno_error(path, "cannot write", err);
}

}  // namespace

void write_image_atomically(const cv::Mat& image, const std::string& path, const OutputOptions& output,
                            const ImageMetadata& metadata) {
    write_atomically(encode(image, path, output, metadata), path);
}

void detail::write_jpeg_planes_atomically(const std::vector<cv::Mat>& planes, const std::string& path,
                                          const OutputOptions& output, const ImageMetadata& metadata) {
    std::vector<uchar> bytes = encode_jpeg_planes(planes, jpeg_quality(output), output.progressive, path);
    embed_metadata(bytes, "jpg", 3, metadata, path);
    write_atomically(bytes, path);
}

}  // namespace pixpool
