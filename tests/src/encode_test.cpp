// pixpool's own JPEG and WebP encoders (src/codecs/jpeg_encode.cpp,
// webp_encode.cpp) against the cv::imencode they replace: the same
// parameters must give the same pixels back.

#include "codecs/codecs.hpp"
#include "test_util.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <string>
#include <vector>

namespace pixpool::detail {
namespace {

using test_util::error_of;
using test_util::sample;

/// A real photo at a size that is no multiple of 16 (partial MCUs at the
/// right and bottom edges).
cv::Mat photo() {
    cv::Mat image = cv::imread(sample("coffee.jpg"), cv::IMREAD_COLOR);
    return image(cv::Rect(3, 5, 397, 283)).clone();
}

/// Smooth ramps in each channel, also an odd size.
cv::Mat gradient() {
    cv::Mat image(131, 257, CV_8UC3);
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(x * 255 / (image.cols - 1)), uchar(y * 255 / (image.rows - 1)),
                                                  uchar((x + y) * 255 / (image.cols + image.rows - 2)));
    return image;
}

cv::Mat gray(const cv::Mat& bgr) {
    cv::Mat out;
    cv::cvtColor(bgr, out, cv::COLOR_BGR2GRAY);
    return out;
}

std::vector<uchar> opencv_encoded(const std::string& ext, const cv::Mat& image, const std::vector<int>& params) {
    std::vector<uchar> bytes;
    EXPECT_TRUE(cv::imencode(ext, image, bytes, params));
    return bytes;
}

cv::Mat decoded(const std::vector<uchar>& bytes) { return cv::imdecode(bytes, cv::IMREAD_UNCHANGED); }

/// No pixel differs (and the two have the same size and type).
bool same_pixels(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

bool has_marker(const std::vector<uchar>& bytes, uchar marker) {
    for (std::size_t i = 0; i + 1 < bytes.size(); ++i)
        if (bytes[i] == 0xFF && bytes[i + 1] == marker) return true;
    return false;
}

struct JpegCase {
    int quality;
    bool progressive;
};

TEST(EncodeJpeg, GivesTheSamePixelsAsOpenCvForBgrAndGray) {
    for (const cv::Mat& image : {photo(), gradient(), gray(photo()), gray(gradient())}) {
        for (const JpegCase c : {JpegCase{50, false}, JpegCase{90, false}, JpegCase{90, true}}) {
            const std::string what = std::to_string(image.channels()) + " channels, q" + std::to_string(c.quality) +
                                     (c.progressive ? " progressive" : "");
            const std::vector<uchar> ours = encode_jpeg(image, c.quality, c.progressive, "out.jpg");
            const std::vector<uchar> theirs = opencv_encoded(
                ".jpg", image, {cv::IMWRITE_JPEG_QUALITY, c.quality, cv::IMWRITE_JPEG_PROGRESSIVE, c.progressive});
            const cv::Mat back = decoded(ours);
            ASSERT_EQ(back.size(), image.size()) << what;
            EXPECT_EQ(back.channels(), image.channels()) << what;
            EXPECT_TRUE(same_pixels(back, decoded(theirs))) << what;
            // Same settings, same library: the very same file.
            EXPECT_TRUE(ours == theirs) << what;
            EXPECT_GE(cv::PSNR(back, image), c.quality == 50 ? 28 : 33) << what;  // and still the picture
        }
    }
}

TEST(EncodeJpeg, ProgressiveOnlyWhenAsked) {
    const std::vector<uchar> progressive = encode_jpeg(photo(), 90, true, "out.jpg");
    const std::vector<uchar> baseline = encode_jpeg(photo(), 90, false, "out.jpg");
    EXPECT_TRUE(has_marker(progressive, 0xC2));   // SOF2: progressive DCT
    EXPECT_FALSE(has_marker(progressive, 0xC0));
    EXPECT_TRUE(has_marker(baseline, 0xC0));      // SOF0: baseline DCT
    EXPECT_FALSE(has_marker(baseline, 0xC2));
    EXPECT_TRUE(has_marker(baseline, 0xE0));      // APP0: JFIF, as OpenCV writes it
}

TEST(EncodeJpeg, ARegionOfALargerImageEncodesTheRegionOnly) {
    const cv::Mat whole = photo();
    const cv::Mat region = whole(cv::Rect(37, 11, 201, 99));
    ASSERT_FALSE(region.isContinuous());
    for (const cv::Mat& roi : {region, cv::Mat(gray(whole)(cv::Rect(37, 11, 201, 99)))}) {
        const cv::Mat back = decoded(encode_jpeg(roi, 90, false, "out.jpg"));
        ASSERT_EQ(back.size(), roi.size());
        EXPECT_TRUE(same_pixels(back, decoded(opencv_encoded(".jpg", roi.clone(), {cv::IMWRITE_JPEG_QUALITY, 90}))));
    }
}

TEST(EncodeJpeg, OtherTypesAreAnErrorNamingTheFile) {
    const cv::Mat deep(8, 8, CV_16UC3, cv::Scalar::all(1000));
    EXPECT_EQ(error_of<ImageError>([&] { encode_jpeg(deep, 90, false, "a/deep.jpg"); }),
              "a/deep.jpg: cannot encode as jpg: JPEG takes 8-bit gray or BGR (CV_8UC1, CV_8UC3), not CV_16UC3");
    EXPECT_EQ(error_of<ImageError>([] { encode_jpeg(cv::Mat(8, 8, CV_8UC2, cv::Scalar::all(9)), 90, false, "b.jpg"); }),
              "b.jpg: cannot encode as jpg: JPEG takes 8-bit gray or BGR (CV_8UC1, CV_8UC3), not CV_8UC2");
}

/// `bgr` with an alpha ramp from 1 to 255. No pixel is fully transparent:
/// libwebp's lossless mode (OpenCV's too) may change the colour under
/// alpha 0, which no one sees.
cv::Mat with_alpha(const cv::Mat& bgr) {
    cv::Mat out;
    cv::cvtColor(bgr, out, cv::COLOR_BGR2BGRA);
    for (int y = 0; y < out.rows; ++y)
        for (int x = 0; x < out.cols; ++x) out.at<cv::Vec4b>(y, x)[3] = uchar(1 + (x + y) % 255);
    return out;
}

TEST(EncodeWebp, LossyIsThePhotoAndWhatOpenCvWrites) {
    for (const cv::Mat& image : {photo(), gradient(), with_alpha(photo())}) {
        const std::vector<uchar> ours = encode_webp(image, 90, false, "out.webp");
        const cv::Mat back = decoded(ours);
        ASSERT_EQ(back.size(), image.size());
        ASSERT_EQ(back.channels(), image.channels());
        EXPECT_GE(cv::PSNR(back, image), 35) << image.channels() << " channels";
        const std::vector<uchar> theirs = opencv_encoded(".webp", image, {cv::IMWRITE_WEBP_QUALITY, 90});
        EXPECT_TRUE(same_pixels(back, decoded(theirs)));
        EXPECT_TRUE(ours == theirs);
    }
}

TEST(EncodeWebp, LosslessKeepsEveryPixelOfBgrAndBgra) {
    for (const cv::Mat& image : {photo(), gradient(), with_alpha(photo()), with_alpha(gradient())}) {
        const cv::Mat back = decoded(encode_webp(image, 90, true, "out.webp"));
        EXPECT_TRUE(same_pixels(back, image)) << image.channels() << " channels";
    }
    // The same file as OpenCV's, whose "quality over 100" spelling of lossless means the same.
    const std::vector<uchar> theirs = opencv_encoded(".webp", photo(), {cv::IMWRITE_WEBP_QUALITY, 101});
    EXPECT_TRUE(encode_webp(photo(), 90, true, "out.webp") == theirs);
    EXPECT_TRUE(encode_webp(photo(), 101, false, "out.webp") == theirs);
}

TEST(EncodeWebp, GrayIsStoredAsBgr) {
    const cv::Mat picture = gray(photo());
    cv::Mat as_bgr;
    cv::cvtColor(picture, as_bgr, cv::COLOR_GRAY2BGR);
    EXPECT_TRUE(same_pixels(decoded(encode_webp(picture, 90, true, "out.webp")), as_bgr));
    const cv::Mat lossy = decoded(encode_webp(picture, 90, false, "out.webp"));
    EXPECT_TRUE(same_pixels(lossy, decoded(opencv_encoded(".webp", picture, {cv::IMWRITE_WEBP_QUALITY, 90}))));
    EXPECT_GE(cv::PSNR(lossy, as_bgr), 35);
}

TEST(EncodeWebp, ARegionOfALargerImageEncodesTheRegionOnly) {
    const cv::Mat whole = photo();
    const cv::Mat region = whole(cv::Rect(37, 11, 201, 99));
    ASSERT_FALSE(region.isContinuous());
    EXPECT_TRUE(same_pixels(decoded(encode_webp(region, 90, true, "out.webp")), region));
}

TEST(EncodeWebp, OtherTypesAreAnErrorNamingTheFile) {
    const cv::Mat deep(8, 8, CV_16UC3, cv::Scalar::all(1000));
    EXPECT_EQ(error_of<ImageError>([&] { encode_webp(deep, 90, false, "a/deep.webp"); }),
              "a/deep.webp: cannot encode as webp: WebP takes 8-bit gray, BGR or BGRA (CV_8UC1, CV_8UC3, CV_8UC4), "
              "not CV_16UC3");
    EXPECT_EQ(error_of<ImageError>([] { encode_webp(cv::Mat(8, 8, CV_8UC2, cv::Scalar::all(9)), 90, true, "b.webp"); }),
              "b.webp: cannot encode as webp: WebP takes 8-bit gray, BGR or BGRA (CV_8UC1, CV_8UC3, CV_8UC4), "
              "not CV_8UC2");
}

}  // namespace
}  // namespace pixpool::detail
