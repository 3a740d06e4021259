/// The write path's per-format options (progressive JPEG, PNG level, lossy or
/// lossless WebP, TIFF compression) and the metadata carried from input to
/// output: the ICC profile always, EXIF and XMP with keep_metadata. Inputs
/// are built here with OpenCV and Exiv2; outputs are read back with Exiv2.

#include "test_util.hpp"

#include <pixpool/image_job.hpp>

#include <exiv2/exiv2.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pixpool {
namespace {

using test_util::read_bytes;
using test_util::TempDir;

/// A photo-like image: smooth gradients plus texture, so lossy and lossless
/// encoders differ the way they do on real photos.
cv::Mat photo_like(int width = 240, int height = 160) {
    cv::Mat image(height, width, CV_8UC3);
    cv::RNG rng(7);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(x + rng.uniform(-20, 20)),
                                                  cv::saturate_cast<uchar>(y + rng.uniform(-20, 20)),
                                                  cv::saturate_cast<uchar>((x + y) / 2 + rng.uniform(-20, 20)));
    return image;
}

/// The RIFF chunk ids of a WebP file, in order ("VP8 ", "VP8L", "VP8X", "ICCP", ...).
std::vector<std::string> webp_chunks(const std::string& bytes) {
    std::vector<std::string> ids;
    if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WEBP") != 0) return ids;
    std::size_t at = 12;
    while (at + 8 <= bytes.size()) {
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at + 4);
        const std::uint32_t size = p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24;
        ids.push_back(bytes.substr(at, 4));
        at += 8 + size + (size & 1);
    }
    return ids;
}

/// True if the JPEG has a start-of-frame marker `sof` (0xC0 baseline, 0xC2
/// progressive) before its scan data.
bool jpeg_has_marker(const std::string& bytes, unsigned char sof) {
    std::size_t at = 2;  // after SOI
    while (at + 4 <= bytes.size() && static_cast<unsigned char>(bytes[at]) == 0xFF) {
        const unsigned char marker = static_cast<unsigned char>(bytes[at + 1]);
        if (marker == sof) return true;
        if (marker == 0xDA) return false;  // start of scan: no more headers
        const std::size_t length = static_cast<unsigned char>(bytes[at + 2]) << 8 | static_cast<unsigned char>(bytes[at + 3]);
        at += 2 + length;
    }
    return false;
}

Exiv2::Image::AutoPtr open_with_exiv2(const std::string& path) {
    auto image = Exiv2::ImageFactory::open(path);
    image->readMetadata();
    return image;
}

// ---------------------------------------------------------------- formats

TEST(OutputFormats, WebpDefaultIsLossyAndSmallerThanLossless) {
    TempDir dir;
    const cv::Mat image = photo_like();
    OutputOptions lossy;
    write_image_atomically(image, dir / "lossy.webp", lossy);
    OutputOptions lossless;
    lossless.webp_lossless = true;
    write_image_atomically(image, dir / "lossless.webp", lossless);

    const std::string lossy_bytes = read_bytes(dir / "lossy.webp");
    const std::string lossless_bytes = read_bytes(dir / "lossless.webp");
    EXPECT_EQ(webp_chunks(lossy_bytes), std::vector<std::string>{"VP8 "});
    EXPECT_EQ(webp_chunks(lossless_bytes), std::vector<std::string>{"VP8L"});
    EXPECT_LT(lossy_bytes.size() * 2, lossless_bytes.size());
    // Lossless means it: the pixels come back exactly.
    EXPECT_EQ(cv::norm(cv::imread(dir / "lossless.webp"), image, cv::NORM_INF), 0);
}

TEST(OutputFormats, WebpQualityStillChoosesTheLossySize) {
    TempDir dir;
    const cv::Mat image = photo_like();
    OutputOptions low, high;
    low.quality = 10;
    high.quality = 100;  // still lossy: only webp_lossless asks for VP8L
    write_image_atomically(image, dir / "low.webp", low);
    write_image_atomically(image, dir / "high.webp", high);
    EXPECT_EQ(webp_chunks(read_bytes(dir / "high.webp")), std::vector<std::string>{"VP8 "});
    EXPECT_LT(read_bytes(dir / "low.webp").size(), read_bytes(dir / "high.webp").size());
}

TEST(OutputFormats, ProgressiveJpegHasSof2BaselineHasSof0) {
    TempDir dir;
    const cv::Mat image = photo_like();
    OutputOptions baseline, progressive;
    progressive.progressive = true;
    write_image_atomically(image, dir / "baseline.jpg", baseline);
    write_image_atomically(image, dir / "progressive.jpg", progressive);
    const std::string b = read_bytes(dir / "baseline.jpg");
    const std::string p = read_bytes(dir / "progressive.jpg");
    EXPECT_TRUE(jpeg_has_marker(b, 0xC0));
    EXPECT_FALSE(jpeg_has_marker(b, 0xC2));
    EXPECT_TRUE(jpeg_has_marker(p, 0xC2));
    EXPECT_FALSE(jpeg_has_marker(p, 0xC0));
    EXPECT_EQ(cv::imread(dir / "progressive.jpg").size(), image.size());
}

TEST(OutputFormats, PngCompressionLevelChangesSizeNotPixels) {
    TempDir dir;
    const cv::Mat image = photo_like();
    OutputOptions none, best;
    none.png_compression = 0;
    best.png_compression = 9;
    write_image_atomically(image, dir / "none.png", none);
    write_image_atomically(image, dir / "best.png", best);
    // Level 0 stores the pixels uncompressed: at least 3 bytes per pixel.
    EXPECT_GE(read_bytes(dir / "none.png").size(), image.total() * 3);
    EXPECT_LT(read_bytes(dir / "best.png").size(), read_bytes(dir / "none.png").size());
    EXPECT_EQ(cv::norm(cv::imread(dir / "best.png"), image, cv::NORM_INF), 0);

    OutputOptions bad;
    bad.png_compression = 10;
    const std::string path = dir / "bad.png";
    EXPECT_EQ(test_util::error_of<ImageError>([&] { write_image_atomically(image, path, bad); }),
              path + ": cannot encode: PNG compression must be 0..9, got 10");
}

TEST(OutputFormats, TiffCompressionTagIsWhatWasAsked) {
    TempDir dir;
    const cv::Mat image = photo_like();
    const std::vector<std::pair<std::string, long>> cases = {{"none", 1}, {"lzw", 5}, {"deflate", 8}};
    for (const auto& [name, code] : cases) {
        OutputOptions options;
        options.tiff_compression = name;
        const std::string path = dir / (name + ".tiff");
        write_image_atomically(image, path, options);
        auto exiv2 = open_with_exiv2(path);
        auto tag = exiv2->exifData().findKey(Exiv2::ExifKey("Exif.Image.Compression"));
        ASSERT_NE(tag, exiv2->exifData().end()) << name;
        EXPECT_EQ(tag->toLong(), code) << name;
        EXPECT_EQ(cv::norm(cv::imread(path), image, cv::NORM_INF), 0) << name;
    }
    OutputOptions bad;
    bad.tiff_compression = "jpeg";
    const std::string path = dir / "bad.tiff";
    EXPECT_EQ(test_util::error_of<ImageError>([&] { write_image_atomically(image, path, bad); }),
              path + ": cannot encode: unknown TIFF compression 'jpeg' (none, lzw or deflate)");
}

}  // namespace
}  // namespace pixpool
