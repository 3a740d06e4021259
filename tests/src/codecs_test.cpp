// The codecs on their own, from bytes in memory: JPEG (libjpeg-turbo),
// WebP (libwebp), HEIC and AVIF (libheif), GIF (giflib), and the rest
// through OpenCV. Test files are made here, at test time.

#include "codecs/codecs.hpp"
#include "codecs/heif_encode.hpp"
#include "test_util.hpp"

#include <exiv2/exiv2.hpp>
#include <gif_lib.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <string>
#include <vector>

namespace pixpool::detail {
namespace {

using test_util::error_of;
using test_util::read_bytes;
using test_util::sample;

DecodedImage decode(const std::string& bytes, std::uint64_t max_pixels = 0, SmallestSize smallest = {}) {
    DecodeRequest request;
    request.bytes = bytes;
    request.path = "in.img";
    request.max_pixels = max_pixels;
    request.smallest = std::move(smallest);
    return decode_any(request);
}

std::string encoded(const cv::Mat& image, const std::string& ext, std::vector<int> params = {}) {
    std::vector<uchar> bytes;
    EXPECT_TRUE(cv::imencode(ext, image, bytes, params));
    return std::string(bytes.begin(), bytes.end());
}

/// A photo-sized JPEG made from a real photograph: astronaut.jpg enlarged
/// (cubic) with a faint fixed-seed grain, so it carries a camera photo's
/// fine detail rather than a smooth upscale's.
std::string photo_jpeg(cv::Size size) {
    cv::Mat photo = cv::imread(sample("astronaut.jpg"), cv::IMREAD_COLOR);
    cv::resize(photo, photo, size, 0, 0, cv::INTER_CUBIC);
    cv::Mat grain(photo.size(), CV_16SC3);
    cv::RNG(3).fill(grain, cv::RNG::NORMAL, 0, 3);
    cv::Mat grainy;
    cv::add(photo, grain, grainy, cv::noArray(), CV_8UC3);
    return encoded(grainy, ".jpg", {cv::IMWRITE_JPEG_QUALITY, 90});
}

/// `jpeg` with an APP1 EXIF block holding Orientation = `orientation`.
std::string with_orientation(const std::string& jpeg, int orientation) {
    auto image = Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(jpeg.data()), long(jpeg.size()));
    image->readMetadata();
    image->exifData()["Exif.Image.Orientation"] = static_cast<std::uint16_t>(orientation);
    image->writeMetadata();
    Exiv2::BasicIo& io = image->io();
    io.seek(0, Exiv2::BasicIo::beg);
    Exiv2::DataBuf all = io.read(long(io.size()));
    return std::string(reinterpret_cast<const char*>(all.pData_), std::size_t(all.size_));
}

double psnr(const cv::Mat& a, const cv::Mat& b) { return cv::PSNR(a, b); }

TEST(JpegCodec, DecodesFromMemoryTheSamePixelsAsOpenCVFromTheFile) {
    const DecodedImage out = decode(read_bytes(sample("astronaut.jpg")));
    const cv::Mat reference = cv::imread(sample("astronaut.jpg"), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(out.pixels.size(), reference.size());
    ASSERT_EQ(out.pixels.type(), reference.type());
    EXPECT_EQ(cv::norm(out.pixels, reference, cv::NORM_INF), 0);
    EXPECT_EQ(out.warnings, "");
    EXPECT_EQ(out.orientation, 1);
}

TEST(JpegCodec, GrayJpegStaysOneChannel) {
    const cv::Mat gray = cv::imread(sample("camera.png"), cv::IMREAD_GRAYSCALE);
    const DecodedImage out = decode(encoded(gray, ".jpg"));
    EXPECT_EQ(out.pixels.type(), CV_8UC1);
    EXPECT_GT(psnr(out.pixels, gray), 35);
}

TEST(JpegCodec, TruncatedJpegInMemoryStillWarns) {
    const std::string whole = read_bytes(sample("coffee.jpg"));
    testing::internal::CaptureStderr();
    const DecodedImage out = decode(whole.substr(0, 30000));
    EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
    EXPECT_EQ(out.warnings, "Premature end of JPEG file");
    EXPECT_EQ(out.pixels.size(), cv::Size(600, 400));
}

TEST(JpegCodec, ADamagedJpegIsOneErrorWithLibjpegsReasons) {
    const std::string message = error_of<ImageError>([] { decode(read_bytes(sample("corrupt.jpg"))); });
    EXPECT_EQ(message.rfind("in.img: cannot decode (", 0), 0u) << message;
    EXPECT_NE(message.find("Premature end of JPEG file"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(JpegCodec, TooManyPixelsAreRefusedFromTheHeader) {
    EXPECT_EQ(error_of<ImageError>([] { decode(read_bytes(sample("coffee.jpg")), 1000); }),
              "in.img: refused: 600x400 is 0.24 megapixels, over the limit of 0.0010 (--max-pixels)");
}

TEST(JpegCodec, ReadsTheExifOrientation) {
    const DecodedImage out = decode(with_orientation(read_bytes(sample("coffee.jpg")), 6));
    EXPECT_EQ(out.orientation, 6);
    EXPECT_EQ(out.pixels.size(), cv::Size(600, 400));  // as stored: turning upright is the caller's
}

TEST(JpegCodec, ShrinkOnLoadDecodesAtTheSmallestDctScaleAboveTheAskedSize) {
    const std::string jpeg = photo_jpeg({2000, 1500});
    cv::Size seen;
    const DecodedImage out = decode(jpeg, 0, [&](cv::Size stored, int) {
        seen = stored;
        return cv::Size(400, 300);
    });
    EXPECT_EQ(seen, cv::Size(2000, 1500));
    EXPECT_EQ(out.stored, cv::Size(2000, 1500));
    EXPECT_EQ(out.pixels.size(), cv::Size(500, 375));  // 1/4; 1/8 would be 250x188, under 400x300
}

TEST(JpegCodec, ShrinkOnLoadThenAreaResizeIsWithin40DbOfTheFullDecode) {
    const std::string jpeg = photo_jpeg({2400, 1800});
    // At twice these sizes: 1/2, 1/4 and 1/8 of 2400x1800, and 1/4 again.
    for (const cv::Size target : {cv::Size(600, 450), cv::Size(300, 225), cv::Size(150, 112), cv::Size(250, 190)}) {
        const DecodedImage shrunk = decode(jpeg, 0, [&](cv::Size, int) { return target * 2; });
        EXPECT_LT(shrunk.pixels.cols, 2400);
        cv::Mat fast, exact;
        cv::resize(shrunk.pixels, fast, target, 0, 0, cv::INTER_AREA);
        cv::resize(decode(jpeg).pixels, exact, target, 0, 0, cv::INTER_AREA);
        EXPECT_GE(psnr(fast, exact), 40) << target;
    }
}

TEST(WebpCodec, DecodesTheSamePixelsAsOpenCV) {
    const DecodedImage out = decode(read_bytes(sample("rocket.webp")));
    const cv::Mat reference = cv::imread(sample("rocket.webp"), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(out.pixels.type(), reference.type());
    EXPECT_EQ(cv::norm(out.pixels, reference, cv::NORM_INF), 0);
}

TEST(WebpCodec, KeepsAlphaAndLeavesItsShrinkingToTheResizeFilter) {
    cv::Mat image(300, 400, CV_8UC4, cv::Scalar(10, 200, 30, 255));
    image(cv::Rect(0, 0, 200, 300)).setTo(cv::Scalar(10, 200, 30, 0));
    const std::string webp = encoded(image, ".webp", {cv::IMWRITE_WEBP_QUALITY, 101});
    const DecodedImage full = decode(webp);
    ASSERT_EQ(full.pixels.type(), CV_8UC4);
    EXPECT_EQ(full.pixels.at<cv::Vec4b>(150, 350)[3], 255);
    EXPECT_EQ(full.pixels.at<cv::Vec4b>(150, 50)[3], 0);
    const DecodedImage unshrunk = decode(webp, 0, [](cv::Size, int) { return cv::Size(100, 50); });
    EXPECT_EQ(unshrunk.pixels.size(), cv::Size(400, 300));
}

TEST(WebpCodec, ShrinksOnLoadToNoLessThanAsked) {
    const DecodedImage small =
        decode(read_bytes(sample("rocket.webp")), 0, [](cv::Size, int) { return cv::Size(100, 50); });
    EXPECT_EQ(small.stored, cv::Size(640, 427));
    EXPECT_EQ(small.pixels.size(), cv::Size(100, 67));
}

TEST(WebpCodec, TruncatedWebpIsAnError) {
    const std::string webp = read_bytes(sample("rocket.webp"));
    EXPECT_EQ(error_of<ImageError>([&] { decode(webp.substr(0, webp.size() / 2)); }),
              "in.img: cannot decode: the WebP data is truncated");
}

/// A 40x24 picture: a red block at the top-left, the rest grey.
cv::Mat red_corner_picture() {
    cv::Mat image(24, 40, CV_8UC3, cv::Scalar(128, 128, 128));
    image(cv::Rect(0, 0, 10, 8)).setTo(cv::Scalar(0, 0, 255));
    return image;
}

bool red_at(const cv::Mat& image, cv::Point where) {
    const cv::Vec3b p = image.at<cv::Vec3b>(where);
    return p[2] > 180 && p[1] < 80 && p[0] < 80;
}

HeifOutput heic_or_avif(const std::string& format) {
    HeifOutput output;
    output.format = format;
    return output;
}

class HeifCodec : public testing::TestWithParam<std::string> {};

TEST_P(HeifCodec, DecodesUprightWithItsIccProfile) {
    HeifOutput output;
    output.format = GetParam();
    output.quality = 90;
    output.icc = std::string(600, 'p');  // libheif stores the bytes as they are
    output.orientation = 6;              // irot: turn 90 degrees clockwise to view
    const std::vector<unsigned char> file = encode_heif(red_corner_picture(), output, "made." + GetParam());
    const DecodedImage out = decode(std::string(file.begin(), file.end()));
    ASSERT_EQ(out.pixels.type(), CV_8UC3);
    EXPECT_EQ(out.pixels.size(), cv::Size(24, 40));  // turned by the container's irot
    EXPECT_TRUE(red_at(out.pixels, {20, 3})) << "red block not at the top-right";
    EXPECT_FALSE(red_at(out.pixels, {3, 3}));
    EXPECT_EQ(out.orientation, 1);
    EXPECT_EQ(out.icc, output.icc);
}

TEST_P(HeifCodec, RefusesTooManyPixelsBeforeDecoding) {
    const std::vector<unsigned char> file = encode_heif(red_corner_picture(), heic_or_avif(GetParam()), "made");
    EXPECT_EQ(error_of<ImageError>([&] { decode(std::string(file.begin(), file.end()), 100); }),
              "in.img: refused: 40x24 is 0.0010 megapixels, over the limit of 0.0001 (--max-pixels)");
}

INSTANTIATE_TEST_SUITE_P(Formats, HeifCodec, testing::Values("heic", "avif"));

TEST(HeifEncoder, AvifAndHeicEncodersAreThere) {
    // Debian 12's libheif carries libaom and x265: AVIF and HEIC output exist here.
    EXPECT_TRUE(can_encode_heif("avif"));
    EXPECT_TRUE(can_encode_heif("heic"));
}

int append_to_string(GifFileType* gif, const GifByteType* data, int size) {
    static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), std::size_t(size));
    return size;
}

/// A 2-frame animated GIF, 6x4: frame 1 red with the top-left pixel
/// transparent, frame 2 blue.
std::string two_frame_gif() {
    std::string bytes;
    int error = 0;
    GifFileType* gif = EGifOpen(&bytes, append_to_string, &error);
    GifColorType colours[4] = {{255, 0, 0}, {0, 0, 255}, {0, 0, 0}, {0, 0, 0}};
    ColorMapObject* map = GifMakeMapObject(4, colours);
    EGifSetGifVersion(gif, true);
    EGifPutScreenDesc(gif, 6, 4, 2, 0, map);
    for (int frame = 0; frame < 2; ++frame) {
        GraphicsControlBlock control{DISPOSAL_UNSPECIFIED, false, 10, frame == 0 ? 3 : NO_TRANSPARENT_COLOR};
        GifByteType extension[4];
        EGifGCBToExtension(&control, extension);
        EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, 4, extension);
        EGifPutImageDesc(gif, 0, 0, 6, 4, false, nullptr);
        for (int y = 0; y < 4; ++y) {
            GifPixelType row[6];
            for (int x = 0; x < 6; ++x) row[x] = GifPixelType(frame == 0 ? (x == 0 && y == 0 ? 3 : 0) : 1);
            EGifPutLine(gif, row, 6);
        }
    }
    EGifCloseFile(gif, &error);
    GifFreeMapObject(map);
    return bytes;
}

TEST(GifCodec, DecodesTheFirstFrameWithItsTransparency) {
    const DecodedImage out = decode(two_frame_gif());
    ASSERT_EQ(out.pixels.type(), CV_8UC4);
    ASSERT_EQ(out.pixels.size(), cv::Size(6, 4));
    EXPECT_EQ(out.pixels.at<cv::Vec4b>(2, 3), cv::Vec4b(0, 0, 255, 255));  // red, opaque (BGRA)
    EXPECT_EQ(out.pixels.at<cv::Vec4b>(0, 0)[3], 0);                       // the transparent pixel
}

TEST(GifCodec, AGifCutInItsHeaderIsAnError) {
    const std::string gif = two_frame_gif();
    const std::string message = error_of<ImageError>([&] { decode(gif.substr(0, 12)); });
    EXPECT_EQ(message.rfind("in.img: cannot decode: ", 0), 0u) << message;
}

TEST(OtherFormats, PngStaysOnOpenCVWithItsDepth) {
    const cv::Mat deep(8, 9, CV_16UC3, cv::Scalar(1000, 2000, 3000));
    const DecodedImage out = decode(encoded(deep, ".png"));
    EXPECT_EQ(out.pixels.type(), CV_16UC3);
    EXPECT_EQ(cv::norm(out.pixels, deep, cv::NORM_INF), 0);
}

TEST(OtherFormats, BytesThatAreNoImageSayNotAnImage) {
    EXPECT_EQ(error_of<ImageError>([] { decode("this is text, not an image\n"); }),
              "in.img: cannot decode (not an image or unsupported format)");
    EXPECT_EQ(error_of<ImageError>([] { decode(""); }), "in.img: cannot decode: the file is empty");
}

TEST(Sniff, GoesByTheBytesNotTheName) {
    EXPECT_EQ(sniff(read_bytes(sample("coffee.jpg"))), Codec::jpeg);
    EXPECT_EQ(sniff(read_bytes(sample("rocket.webp"))), Codec::webp);
    EXPECT_EQ(sniff(two_frame_gif()), Codec::gif);
    EXPECT_EQ(sniff(read_bytes(sample("chelsea.png"))), Codec::other);
    EXPECT_EQ(sniff("\xFF\xD8"), Codec::other);
}

}  // namespace
}  // namespace pixpool::detail
