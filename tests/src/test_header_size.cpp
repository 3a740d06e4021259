/// header_size.hpp on bytes: the declared size per format, and the caps on
/// what is read of a file before its pixels (PNG text chunks, JPEG scans).

#include "test_util.hpp"

#include "header_size.hpp"

#include <opencv2/imgcodecs.hpp>

namespace pixpool::detail {
namespace {

std::string encoded(const std::string& ext, const cv::Mat& image) {
    std::vector<uchar> out;
    EXPECT_TRUE(cv::imencode(ext, image, out));
    return std::string(out.begin(), out.end());
}

/// How many chunks of `type` a PNG has.
std::size_t chunks_of(const std::string& png, const std::string& type) {
    std::size_t count = 0;
    for (std::size_t at = 8; at + 8 <= png.size();) {
        const auto byte = [&](std::size_t i) { return std::size_t(static_cast<unsigned char>(png[i])); };
        const std::size_t length = (byte(at) << 24) | (byte(at + 1) << 16) | (byte(at + 2) << 8) | byte(at + 3);
        count += png.compare(at + 4, 4, type) == 0;
        at += length + 12;
    }
    return count;
}

TEST(HeaderSize, EveryFormatOpenCvWritesDeclaresItsSize) {
    const cv::Mat image(37, 53, CV_8UC3, cv::Scalar(1, 2, 3));
    for (const char* ext : {".png", ".jpg", ".webp", ".tiff", ".bmp", ".ppm", ".pgm", ".pam", ".ras", ".hdr", ".jp2"}) {
        cv::Mat input = image;
        if (std::string(ext) == ".pgm") input = cv::Mat(37, 53, CV_8UC1, cv::Scalar(9));
        if (std::string(ext) == ".hdr") image.convertTo(input, CV_32FC3);
        const DeclaredSize size = declared_size(encoded(ext, input));
        EXPECT_EQ(size.width, 53u) << ext;
        EXPECT_EQ(size.height, 37u) << ext;
    }
    EXPECT_FALSE(declared_size("plain text, no image").known());
    EXPECT_EQ(declared_size("plain text, no image").reader, HeaderReader::none);
    EXPECT_EQ(declared_size("P5\n53").reader, HeaderReader::opencv);
}

TEST(HeaderSize, APngKeepsOnlyItsFirstTextChunks) {
    std::string png = encoded(".png", cv::Mat(8, 8, CV_8UC1, cv::Scalar(7)));
    std::string texts;
    for (int i = 0; i < 100; ++i) {
        const std::string data = "Comment" + std::string(1, '\0') + std::to_string(i);
        std::string chunk = std::string(4, '\0') + "tEXt" + data + std::string(4, '\0');  // CRC not checked here
        chunk[3] = static_cast<char>(data.size());
        texts += chunk;
    }
    png.insert(33, texts);
    const std::string capped = png_with_text_capped(png, 32);
    EXPECT_EQ(chunks_of(capped, "tEXt"), 32u);
    EXPECT_EQ(chunks_of(capped, "IDAT"), chunks_of(png, "IDAT"));
    EXPECT_EQ(chunks_of(capped, "IEND"), 1u);
    EXPECT_EQ(png_with_text_capped(png, 100), "");  // nothing to drop: no copy
    EXPECT_EQ(png_with_text_capped("not a png", 0), "");
}

TEST(HeaderSize, ForExiv2APngKeepsOnlyTheTextChunksThatHoldMetadata) {
    std::string png = encoded(".png", cv::Mat(8, 8, CV_8UC1, cv::Scalar(7)));
    const auto text_chunk = [](const std::string& data) {
        std::string chunk = std::string(4, '\0') + "tEXt" + data + std::string(4, '\0');  // CRC not checked here
        chunk[3] = static_cast<char>(data.size());
        return chunk;
    };
    png.insert(33, text_chunk("Comment" + std::string(1, '\0') + "a long comment") +
                       text_chunk("Raw profile type exif" + std::string(1, '\0') + "exif") +
                       text_chunk("XML:com.adobe.xmp" + std::string(1, '\0') + "<x/>"));
    const std::string kept = png_with_text_capped(png, 32, /*metadata_only=*/true);
    EXPECT_EQ(chunks_of(kept, "tEXt"), 2u);
    EXPECT_EQ(kept.find("a long comment"), std::string::npos);
    EXPECT_NE(kept.find("Raw profile type exif"), std::string::npos);
    EXPECT_NE(kept.find("XML:com.adobe.xmp"), std::string::npos);
    EXPECT_EQ(chunks_of(kept, "IDAT"), chunks_of(png, "IDAT"));
    EXPECT_EQ(png_with_text_capped(png, 32), "");  // all three under the cap: no copy
}

TEST(HeaderSize, JpegScansAreCountedWithoutDecoding) {
    std::vector<uchar> out;
    ASSERT_TRUE(cv::imencode(".jpg", cv::Mat(16, 16, CV_8UC3, cv::Scalar::all(50)), out,
                             {cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
    const std::size_t scans = count_jpeg_scans(std::string(out.begin(), out.end()));
    EXPECT_GE(scans, 2u);
    EXPECT_LE(scans, 12u);
    ASSERT_TRUE(cv::imencode(".jpg", cv::Mat(16, 16, CV_8UC3, cv::Scalar::all(50)), out));
    EXPECT_EQ(count_jpeg_scans(std::string(out.begin(), out.end())), 1u);
}

}  // namespace
}  // namespace pixpool::detail
