/// The write path's per-format options (progressive JPEG, PNG level, lossy or
/// lossless WebP, TIFF compression) and the metadata carried from input to
/// output: the ICC profile always, EXIF and XMP with keep_metadata. Inputs
/// are built with OpenCV and Exiv2 (metadata_fixtures.hpp); outputs are read
/// back with Exiv2. AVIF and HEIC: heif_metadata_test.cpp.

#include "metadata_fixtures.hpp"
#include "test_util.hpp"

#include "metadata.hpp"

#include <exiv2/exiv2.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace pixpool {
namespace fs = std::filesystem;
namespace {

using namespace metadata_test;
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

// ---------------------------------------------------------------- metadata

TEST(Metadata, SyntheticIccProfileIsWellFormed) {
    const std::string icc = make_icc_profile("RGB", "test");
    EXPECT_EQ(icc.size() % 4, 0u);
    EXPECT_EQ(icc.substr(36, 4), "acsp");
    EXPECT_EQ(static_cast<unsigned char>(icc[2]) << 8 | static_cast<unsigned char>(icc[3]), int(icc.size()));
}

TEST(Metadata, ByDefaultOnlyTheIccProfileIsKept) {
    TempDir dir;
    const std::string icc = make_icc_profile("RGB", "pixpool default test");
    make_input(dir / "in.jpg", sideways_picture(), icc);
    ASSERT_EQ(read_back(dir / "in.jpg").icc, icc);  // the input is what the test means
    ASSERT_EQ(read_back(dir / "in.jpg").exif_text("Exif.Image.Artist"), "Ada Lovelace");

    for (const char* ext : {"jpg", "png", "webp", "tiff"}) {
        const std::string out = dir / (std::string("out.") + ext);
        run(dir / "in.jpg", out, OutputOptions{});
        const ReadBack back = read_back(out);
        EXPECT_EQ(back.icc, icc) << ext;
        EXPECT_EQ(back.exif_text("Exif.Image.Artist"), "(none)") << ext;
        EXPECT_EQ(back.exif_text("Exif.Image.Orientation"), "(none)") << ext;
        EXPECT_TRUE(back.xmp.empty()) << ext;
        EXPECT_TRUE(red_at_top_right(cv::imread(out))) << ext;
    }
}

TEST(Metadata, KeepMetadataCarriesExifAndXmpUprightForEveryFormat) {
    TempDir dir;
    const std::string icc = make_icc_profile("RGB", "pixpool keep test");
    make_input(dir / "in.jpg", sideways_picture(), icc);
    OutputOptions keep;
    keep.keep_metadata = true;
    for (const char* ext : {"jpg", "png", "webp", "tiff"}) {
        const std::string out = dir / (std::string("out.") + ext);
        run(dir / "in.jpg", out, keep);
        const ReadBack back = read_back(out);
        EXPECT_EQ(back.icc, icc) << ext;
        EXPECT_EQ(back.exif_text("Exif.Image.Artist"), "Ada Lovelace") << ext;
        EXPECT_EQ(back.exif_text("Exif.Image.Orientation"), "1") << ext;
        EXPECT_EQ(back.exif_text("Exif.Photo.PixelXDimension"), "(none)") << ext;  // 40 no longer true
        EXPECT_EQ(back.exif_text("Exif.Thumbnail.JPEGInterchangeFormat"), "(none)") << ext;
        EXPECT_EQ(back.xmp_text("Xmp.dc.title"), std::string("lang=\"x-default\" ") + kTitle) << ext;
        EXPECT_EQ(back.xmp_text("Xmp.tiff.Orientation"), "1") << ext;
        const cv::Mat pixels = cv::imread(out);  // OpenCV applies the orientation tag: 1 leaves them be
        EXPECT_TRUE(red_at_top_right(pixels)) << ext;
        EXPECT_TRUE(red_at_top_right(cv::imread(out, cv::IMREAD_UNCHANGED | cv::IMREAD_IGNORE_ORIENTATION))) << ext;
    }
}

/// Readers other than Exiv2 see the profile too: a PNG iCCP chunk with a
/// profile name (libpng drops one without), a WebP ICCP chunk where the
/// container says (libwebp refuses a second VP8X), alpha kept.
TEST(Metadata, IccChunksAreWhereOtherReadersLook) {
    TempDir dir;
    const std::string icc = make_icc_profile("RGB", "chunks");
    cv::Mat with_alpha(24, 40, CV_8UC4, cv::Scalar(10, 20, 30, 128));
    ImageMetadata metadata;
    metadata.icc = icc;
    write_image_atomically(with_alpha, dir / "a.png", OutputOptions{}, metadata);
    const std::string png = read_bytes(dir / "a.png");
    EXPECT_NE(png.find(std::string("iCCPICC Profile\0\0", 17)), std::string::npos);
    EXPECT_EQ(png.find("iCCP"), png.rfind("iCCP"));  // one profile, not the placeholder too

    write_image_atomically(photo_like(), dir / "opaque.webp", OutputOptions{}, metadata);
    EXPECT_EQ(webp_chunks(read_bytes(dir / "opaque.webp")), (std::vector<std::string>{"VP8X", "ICCP", "VP8 "}));
    write_image_atomically(with_alpha, dir / "alpha.webp", OutputOptions{}, metadata);
    EXPECT_EQ(webp_chunks(read_bytes(dir / "alpha.webp")),
              (std::vector<std::string>{"VP8X", "ICCP", "ALPH", "VP8 "}));
    OutputOptions lossless;
    lossless.webp_lossless = true;
    write_image_atomically(with_alpha, dir / "lossless.webp", lossless, metadata);
    EXPECT_EQ(webp_chunks(read_bytes(dir / "lossless.webp")), (std::vector<std::string>{"VP8X", "ICCP", "VP8L"}));
    for (const char* name : {"a.png", "alpha.webp", "lossless.webp"}) {
        EXPECT_EQ(read_back(dir / name).icc, icc) << name;
        const cv::Mat back = cv::imread(dir / name, cv::IMREAD_UNCHANGED);
        ASSERT_EQ(back.channels(), 4) << name;
        EXPECT_NEAR(back.at<cv::Vec4b>(5, 5)[3], 128, 1) << name;
    }
}

TEST(Metadata, WithoutAutoOrientTheOrientationTagStays) {
    TempDir dir;
    make_input(dir / "in.jpg", sideways_picture(), make_icc_profile("RGB", "p"));
    OutputOptions keep;
    keep.keep_metadata = true;
    ReadOptions as_stored;
    as_stored.auto_orient = false;
    const ImageOutcome outcome = run(dir / "in.jpg", dir / "out.jpg", keep, "", as_stored);
    EXPECT_EQ(outcome.width, 40);
    EXPECT_EQ(read_back(dir / "out.jpg").exif_text("Exif.Image.Orientation"), "6");
    EXPECT_EQ(read_back(dir / "out.jpg").xmp_text("Xmp.tiff.Orientation"), "6");
}

TEST(Metadata, IccProfileIsReadFromPngWebpAndTiffInputs) {
    TempDir dir;
    for (const char* ext : {"png", "webp", "tiff"}) {
        const std::string icc = make_icc_profile("RGB", std::string("from ") + ext);
        const std::string in = dir / (std::string("in.") + ext);
        make_input(in, sideways_picture(), icc, /*exif_and_xmp=*/false);
        ASSERT_EQ(read_back(in).icc, icc) << ext;
        run(in, dir / (std::string("out-") + ext + ".jpg"), OutputOptions{});
        EXPECT_EQ(read_back(dir / (std::string("out-") + ext + ".jpg")).icc, icc) << ext;
    }
}

TEST(Metadata, GrayProfileKeptOnGrayOutputRgbProfileDroppedFromIt) {
    TempDir dir;
    const std::string gray_icc = make_icc_profile("GRAY", "gray");
    cv::Mat gray(16, 16, CV_8UC1, cv::Scalar(90));
    make_input(dir / "gray.png", gray, gray_icc, false);
    run(dir / "gray.png", dir / "gray.jpg", OutputOptions{});
    EXPECT_EQ(read_back(dir / "gray.jpg").icc, gray_icc);

    // An RGB profile would be wrong on a grayscale output (viewers reject or misread it).
    make_input(dir / "rgb.jpg", sideways_picture(), make_icc_profile("RGB", "rgb"), false);
    run(dir / "rgb.jpg", dir / "now-gray.png", OutputOptions{}, "grayscale");
    ASSERT_EQ(cv::imread(dir / "now-gray.png", cv::IMREAD_UNCHANGED).channels(), 1);
    EXPECT_EQ(read_back(dir / "now-gray.png").icc, "");
}

TEST(Metadata, InputWithoutMetadataIsFine) {
    TempDir dir;
    ASSERT_TRUE(cv::imwrite(dir / "plain.jpg", sideways_picture()));
    OutputOptions keep;
    keep.keep_metadata = true;
    for (const char* ext : {"jpg", "png", "webp", "tiff", "bmp"}) {
        const std::string out = dir / (std::string("out.") + ext);
        const ImageOutcome outcome = run(dir / "plain.jpg", out, keep);
        EXPECT_EQ(outcome.warnings, "") << ext;
        EXPECT_EQ(cv::imread(out).size(), cv::Size(40, 24)) << ext;
    }
    EXPECT_TRUE(read_back(dir / "out.jpg").exif.empty());
    EXPECT_EQ(read_back(dir / "out.jpg").icc, "");
}

TEST(Metadata, BmpOutputGetsThePixelsOnly) {
    TempDir dir;
    make_input(dir / "in.jpg", sideways_picture(), make_icc_profile("RGB", "bmp"));
    OutputOptions keep;
    keep.keep_metadata = true;
    run(dir / "in.jpg", dir / "out.bmp", keep);
    EXPECT_TRUE(red_at_top_right(cv::imread(dir / "out.bmp")));
}

TEST(Metadata, MetadataThatCannotBeWrittenIsAnErrorAndNothingIsWritten) {
    TempDir dir;
    ImageMetadata broken;
    broken.icc = make_icc_profile("RGB", "broken");
    put_u32(broken.icc, 0, 12345);  // the size field disagrees with the profile's length
    const std::string path = dir / "out.jpg";
    const std::string message = test_util::error_of<ImageError>(
        [&] { write_image_atomically(sideways_picture(), path, OutputOptions{}, broken); });
    EXPECT_EQ(message.rfind(path + ": cannot write metadata: ", 0), 0u) << message;
    EXPECT_FALSE(fs::exists(path));
    EXPECT_TRUE(test_util::names_containing(dir.path(), "pixpool-tmp").empty());
}

TEST(Metadata, ReadMetadataLeavesExifAndXmpOutUnlessAsked) {
    TempDir dir;
    const std::string icc = make_icc_profile("RGB", "read");
    make_input(dir / "in.jpg", sideways_picture(), icc);
    const ImageMetadata icc_only = read_metadata(dir / "in.jpg", false);
    EXPECT_EQ(icc_only.icc, icc);
    EXPECT_EQ(icc_only.exif, "");
    EXPECT_EQ(icc_only.xmp, "");
    const ImageMetadata all = read_metadata(dir / "in.jpg", true);
    EXPECT_NE(all.exif, "");
    EXPECT_NE(all.xmp.find(kTitle), std::string::npos);
    EXPECT_TRUE(read_metadata(dir / "missing.jpg", true).empty());
}

}  // namespace
}  // namespace pixpool
