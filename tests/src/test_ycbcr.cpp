/// JPEG to JPEG in the file's own YCbCr planes (ReadOptions::filter_ycbcr):
/// within 40 dB PSNR of the RGB path, the RGB path taken byte for byte
/// wherever the planes cannot be used, and the file's warnings, quality and
/// size kept as the RGB path keeps them.

#include "test_util.hpp"

#include <pixpool/image_job.hpp>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdio>
#include <cstdlib>
#include <jpeglib.h>

namespace pixpool {
namespace {

using test_util::read_bytes;
using test_util::sample;
using test_util::TempDir;

/// A photo (astronaut.jpg enlarged, with faint grain) at an odd size, so
/// the chroma planes have a half-covered last column and row, written by
/// OpenCV: 4:2:0, as cameras and phones write JPEGs.
cv::Mat odd_sized_photo(cv::Size size) {
    cv::Mat photo = cv::imread(sample("astronaut.jpg"), cv::IMREAD_COLOR);
    cv::resize(photo, photo, size, 0, 0, cv::INTER_AREA);
    cv::Mat grain(photo.size(), CV_16SC3);
    cv::RNG(7).fill(grain, cv::RNG::NORMAL, 0, 3);
    cv::add(photo, grain, photo, cv::noArray(), CV_8UC3);
    return photo;
}

void write_jpeg(const std::string& path, const cv::Mat& image, std::vector<int> params = {}) {
    params.insert(params.end(), {cv::IMWRITE_JPEG_QUALITY, 90});
    ASSERT_TRUE(cv::imwrite(path, image, params));
}

/// `image` as a 4:4:4 JPEG (chroma at full size), written with libjpeg:
/// OpenCV 4.6 writes 4:2:0 only.
void write_jpeg_444(const std::string& path, const cv::Mat& image) {
    jpeg_compress_struct info{};
    jpeg_error_mgr errors{};
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    unsigned char* buffer = nullptr;
    unsigned long size = 0;
    jpeg_mem_dest(&info, &buffer, &size);
    info.image_width = static_cast<JDIMENSION>(image.cols);
    info.image_height = static_cast<JDIMENSION>(image.rows);
    info.input_components = 3;
    info.in_color_space = JCS_EXT_BGR;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 90, TRUE);
    info.comp_info[0].h_samp_factor = info.comp_info[0].v_samp_factor = 1;
    jpeg_start_compress(&info, TRUE);
    for (int y = 0; y < image.rows; ++y) {
        JSAMPROW row = const_cast<JSAMPROW>(image.ptr(y));
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    test_util::write_bytes(path, std::string(reinterpret_cast<char*>(buffer), size));
    std::free(buffer);
}

/// The same job through the planes and through RGB: the two outputs' bytes.
struct BothWays {
    std::string planes, rgb;
    ImageOutcome planes_outcome, rgb_outcome;
};

BothWays run_both_ways(const TempDir& dir, const std::string& input, const std::vector<std::string>& chain,
                       const std::string& output_name = "out.jpg", ReadOptions read = {},
                       OutputOptions output = {}) {
    BothWays both;
    read.filter_ycbcr = true;
    both.planes_outcome = process_image({input, dir / ("ycbcr-" + output_name)}, filters::Chain::parse(chain), output, read);
    read.filter_ycbcr = false;
    both.rgb_outcome = process_image({input, dir / ("rgb-" + output_name)}, filters::Chain::parse(chain), output, read);
    both.planes = read_bytes(dir / ("ycbcr-" + output_name));
    both.rgb = read_bytes(dir / ("rgb-" + output_name));
    return both;
}

cv::Mat decoded(const std::string& bytes) {
    return cv::imdecode(std::vector<uchar>(bytes.begin(), bytes.end()), cv::IMREAD_UNCHANGED);
}

TEST(YCbCr, ABlurredPhotoIsWithin40DbOfTheRgbPath) {
    TempDir dir;
    const std::string input = dir / "photo.jpg";
    write_jpeg(input, odd_sized_photo({1601, 1199}));
    for (const char* blur : {"gaussian_blur:sigma=3", "gaussian_blur:sigma=0.5", "gaussian_blur:sigma=12",
                             "gaussian_blur:sigma=3,ksize=9", "gaussian_blur:sigma=20,precision=exact"}) {
        const BothWays both = run_both_ways(dir, input, {blur, "gaussian_blur:sigma=1"});
        // Different bytes: the planes were filtered, not the RGB path taken.
        EXPECT_NE(both.planes, both.rgb) << blur;
        const cv::Mat planes = decoded(both.planes), rgb = decoded(both.rgb);
        ASSERT_EQ(planes.size(), cv::Size(1601, 1199)) << blur;
        ASSERT_EQ(rgb.size(), planes.size()) << blur;
        EXPECT_GE(cv::PSNR(planes, rgb), 40) << blur;
        EXPECT_EQ(both.planes_outcome.width, 1601);
        EXPECT_EQ(both.planes_outcome.height, 1199);
    }
}

TEST(YCbCr, AReencodeWithNoFilterKeepsThePhotoWithin40Db) {
    TempDir dir;
    const std::string input = dir / "photo.jpg";
    const cv::Mat photo = odd_sized_photo({640, 480});
    write_jpeg(input, photo);
    OutputOptions output;
    output.quality = 75;
    const BothWays both = run_both_ways(dir, input, {}, "out.jpg", {}, output);
    EXPECT_NE(both.planes, both.rgb);
    EXPECT_GE(cv::PSNR(decoded(both.planes), decoded(both.rgb)), 40);
    EXPECT_GE(cv::PSNR(decoded(both.planes), photo), 30);  // and still the photo
}

TEST(YCbCr, EveryTinySizeKeepsItsSizeAndPixels) {
    TempDir dir;
    for (const cv::Size size : {cv::Size(1, 1), cv::Size(2, 3), cv::Size(15, 17), cv::Size(33, 1), cv::Size(1, 40),
                                cv::Size(16, 16), cv::Size(17, 16)}) {
        const std::string input = dir / "tiny.jpg";
        write_jpeg(input, odd_sized_photo(size));
        const BothWays both = run_both_ways(dir, input, {"gaussian_blur:sigma=2"});
        const cv::Mat planes = decoded(both.planes), rgb = decoded(both.rgb);
        ASSERT_EQ(planes.size(), size);
        // A few pixels leave little to average: 30 dB is still the same picture.
        EXPECT_GE(cv::PSNR(planes, rgb), 30) << size;
    }
}

TEST(YCbCr, WhereThePlanesCannotBeUsedTheRgbPathIsTakenExactly) {
    TempDir dir;
    const cv::Mat photo = odd_sized_photo({301, 203});
    const std::string ycc444 = dir / "444.jpg", gray = dir / "gray.jpg", ycc420 = dir / "420.jpg";
    write_jpeg_444(ycc444, photo);
    cv::Mat grey;
    cv::cvtColor(photo, grey, cv::COLOR_BGR2GRAY);
    write_jpeg(gray, grey);
    write_jpeg(ycc420, photo);
    struct Case {
        std::string input;
        std::vector<std::string> chain;
        std::string output;
    };
    for (const Case& c : {Case{ycc444, {"gaussian_blur:sigma=3"}, "a.jpg"},        // chroma not subsampled
                          Case{gray, {"gaussian_blur:sigma=3"}, "b.jpg"},          // one plane only
                          Case{ycc420, {"gaussian_blur", "grayscale"}, "c.jpg"},   // a filter that needs BGR
                          Case{ycc420, {"resize:width=100"}, "d.jpg"},             // shrink-on-load instead
                          Case{ycc420, {"gaussian_blur:sigma=3"}, "e.png"},        // not written as JPEG
                          Case{sample("chelsea.png"), {"gaussian_blur"}, "f.jpg"}}) {  // not read as JPEG
        const BothWays both = run_both_ways(dir, c.input, c.chain, c.output);
        ASSERT_FALSE(both.rgb.empty()) << c.output;
        EXPECT_EQ(both.planes, both.rgb) << c.output;
    }
}

/// A 4:2:0 JPEG whose EXIF says "turn me a quarter" (orientation 6): the
/// planes would have to be turned too, so the RGB path takes it, upright.
std::string jpeg_with_orientation_6(const cv::Mat& image) {
    std::vector<uchar> jpeg;
    cv::imencode(".jpg", image, jpeg, {cv::IMWRITE_JPEG_QUALITY, 90});
    // A minimal EXIF APP1 (big-endian TIFF, one IFD entry: Orientation = 6)
    // right after SOI.
    const std::string tiff("MM\0\x2a\0\0\0\x08\0\x01\x01\x12\0\x03\0\0\0\x01\0\x06\0\0\0\0\0\0", 26);
    const std::string payload = std::string("Exif\0\0", 6) + tiff;
    const std::size_t length = payload.size() + 2;
    std::string app1 = "\xff\xe1";
    app1 += static_cast<char>(length >> 8);
    app1 += static_cast<char>(length & 0xff);
    app1 += payload;
    std::string bytes(jpeg.begin(), jpeg.end());
    return bytes.substr(0, 2) + app1 + bytes.substr(2);
}

TEST(YCbCr, AJpegToTurnUprightGoesThroughRgbAndIsTurned) {
    TempDir dir;
    const std::string input = dir / "turned.jpg";
    test_util::write_bytes(input, jpeg_with_orientation_6(odd_sized_photo({120, 80})));
    const BothWays both = run_both_ways(dir, input, {"gaussian_blur:sigma=2"});
    EXPECT_EQ(both.planes, both.rgb);
    EXPECT_EQ(decoded(both.planes).size(), cv::Size(80, 120));
    // Kept as stored (no auto-orient): nothing to turn, the planes are used.
    ReadOptions as_stored;
    as_stored.auto_orient = false;
    const BothWays kept = run_both_ways(dir, input, {"gaussian_blur:sigma=2"}, "kept.jpg", as_stored);
    EXPECT_NE(kept.planes, kept.rgb);
    EXPECT_EQ(decoded(kept.planes).size(), cv::Size(120, 80));
}

TEST(YCbCr, ATruncatedJpegWarnsOrFailsAsOnTheRgbPath) {
    TempDir dir;
    const std::string whole = dir / "whole.jpg", cut = dir / "cut.jpg";
    write_jpeg(whole, odd_sized_photo({400, 300}));
    const std::string bytes = read_bytes(whole);
    test_util::write_bytes(cut, bytes.substr(0, bytes.size() / 2));
    const BothWays both = run_both_ways(dir, cut, {"gaussian_blur:sigma=1"});
    EXPECT_EQ(both.planes_outcome.warnings, "Premature end of JPEG file");
    EXPECT_EQ(both.planes_outcome.warnings, both.rgb_outcome.warnings);
    ReadOptions strict;
    strict.fail_on_warning = true;
    EXPECT_EQ(test_util::error_of<ImageError>([&] {
                  process_image({cut, dir / "strict.jpg"}, filters::Chain::parse({"gaussian_blur"}), {}, strict);
              }),
              cut + ": decoder warning: Premature end of JPEG file");
    EXPECT_FALSE(test_util::fs::exists(dir / "strict.jpg"));
}

/// The luminance quantisation table's first entry, which grows as the
/// quality falls (q90: 3, q95: 2, q50: 16).
int dc_quantiser(const std::string& jpeg) {
    jpeg_decompress_struct info{};
    jpeg_error_mgr errors{};
    info.err = jpeg_std_error(&errors);
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, reinterpret_cast<const unsigned char*>(jpeg.data()), jpeg.size());
    jpeg_read_header(&info, TRUE);
    const int q = info.quant_tbl_ptrs[0]->quantval[0];
    jpeg_destroy_decompress(&info);
    return q;
}

TEST(YCbCr, TheOutputIsAt95OrTheAskedOrTheInputsOwnQuality) {
    TempDir dir;
    const std::string input = dir / "q50.jpg";
    ASSERT_TRUE(cv::imwrite(input, odd_sized_photo({200, 150}), {cv::IMWRITE_JPEG_QUALITY, 50}));
    const std::vector<std::string> chain = {"gaussian_blur"};
    EXPECT_EQ(dc_quantiser(run_both_ways(dir, input, chain).planes), 2);  // 95, pixpool's default
    OutputOptions asked;
    asked.quality = 90;
    EXPECT_EQ(dc_quantiser(run_both_ways(dir, input, chain, "o.jpg", {}, asked).planes), 3);
    OutputOptions matched;
    matched.match_input_quality = true;  // as --in-place does
    const BothWays both = run_both_ways(dir, input, chain, "m.jpg", {}, matched);
    EXPECT_EQ(dc_quantiser(both.planes), dc_quantiser(read_bytes(input)));
    EXPECT_EQ(dc_quantiser(both.planes), dc_quantiser(both.rgb));
    OutputOptions progressive;
    progressive.progressive = true;
    const std::string p = run_both_ways(dir, input, chain, "p.jpg", {}, progressive).planes;
    EXPECT_NE(p.find("\xff\xc2"), std::string::npos);  // SOF2: progressive
}

TEST(YCbCr, APixelBombIsRefusedAsOnTheRgbPath) {
    TempDir dir;
    const std::string input = dir / "photo.jpg";
    write_jpeg(input, odd_sized_photo({300, 200}));
    auto refusal = [&](bool ycbcr) {
        ReadOptions small;
        small.max_pixels = 1000;
        small.filter_ycbcr = ycbcr;
        return test_util::error_of<ImageError>([&] {
            process_image({input, dir / "bomb.jpg"}, filters::Chain::parse({"gaussian_blur"}), {}, small);
        });
    };
    EXPECT_EQ(refusal(true).rfind(input + ": refused: 300x200 is ", 0), 0u) << refusal(true);
    EXPECT_EQ(refusal(true), refusal(false));
    EXPECT_FALSE(test_util::fs::exists(dir / "bomb.jpg"));
}

}  // namespace
}  // namespace pixpool
