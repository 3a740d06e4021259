/// gaussian_blur against cv::GaussianBlur: identical on the exact path and
/// on large images, within 1 grey level on small 8-bit ones, within 2 grey
/// levels and 45 dB on real photos on the fast (pyramid) path.

#include "fast_gaussian.hpp"
#include "pixpool/filters.hpp"
#include "test_images.hpp"

#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

namespace pf = pixpool::filters;
using pf::testing::max_difference;

namespace {

cv::Mat reference(const cv::Mat& image, double sigma) {
    cv::Mat out;
    cv::GaussianBlur(image, out, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT_101);
    return out;
}

cv::Mat blur(const cv::Mat& image, double sigma, const std::string& precision = "auto") {
    return pf::make_step("gaussian_blur", {{"sigma", std::to_string(sigma)}, {"precision", precision}}).apply(image);
}

/// The part of the image no border handling reaches: 3 sigma plus the grid step.
cv::Rect interior(const cv::Mat& image, double sigma) {
    const int margin = static_cast<int>(3 * sigma) + 2 * pf::gaussian_factor(sigma, 0, pf::GaussianPrecision::Fast);
    return cv::Rect(margin, margin, image.cols - 2 * margin, image.rows - 2 * margin);
}

}  // namespace

TEST(GaussianBlur, ExactPathIsIdenticalToOpenCV) {
    const cv::Mat photo = pf::testing::sample_photo();
    for (double sigma : {0.5, 2.0, 30.0}) {
        EXPECT_EQ(max_difference(blur(photo, sigma, "exact"), reference(photo, sigma)), 0.0) << sigma;
    }
    cv::Mat with_ksize = pf::parse_step("gaussian_blur:sigma=3,ksize=7").apply(photo);
    cv::Mat expected;
    cv::GaussianBlur(photo, expected, cv::Size(7, 7), 3, 3, cv::BORDER_REFLECT_101);
    EXPECT_EQ(max_difference(with_ksize, expected), 0.0);
}

TEST(GaussianBlur, SmallSigmaAutoIsDirect) {
    const cv::Mat photo = pf::testing::sample_photo();
    EXPECT_EQ(pf::gaussian_factor(3, 0, pf::GaussianPrecision::Auto), 1);
    // From half a megapixel on, and at any size for 16-bit, it is cv::GaussianBlur.
    cv::Mat large;
    cv::resize(photo, large, cv::Size(1024, 1024));
    EXPECT_EQ(max_difference(blur(large, 3), reference(large, 3)), 0.0);
    const cv::Mat deep = pf::testing::as_type(photo, CV_16U, 3);
    EXPECT_EQ(max_difference(blur(deep, 3), reference(deep, 3)), 0.0);
}

/// A small 8-bit image is convolved with a float kernel: within 1 grey level
/// of cv::GaussianBlur, and no farther from the blur computed in doubles.
TEST(GaussianBlur, SmallImagesAreAsCloseToTheTrueBlur) {
    const cv::Mat photo = pf::testing::sample_photo();
    ASSERT_LE(photo.total(), 500000u) << "the sample must be a small image";
    for (double sigma : {0.8, 3.0, 7.5}) {
        for (const cv::Mat& image : {photo, pf::testing::as_type(photo, CV_8U, 1)}) {
            const cv::Mat ours = blur(image, sigma);
            const cv::Mat opencv = reference(image, sigma);
            EXPECT_LE(max_difference(ours, opencv), 1.0) << sigma;
            cv::Mat wide, truth;
            image.convertTo(wide, CV_64F);
            const int size = cvRound(sigma * 6 + 1) | 1;
            const cv::Mat kernel = cv::getGaussianKernel(size, sigma, CV_64F);
            cv::sepFilter2D(wide, truth, CV_64F, kernel, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
            cv::Mat ours_wide, opencv_wide;
            ours.convertTo(ours_wide, CV_64F);
            opencv.convertTo(opencv_wide, CV_64F);
            const double our_error = cv::norm(ours_wide, truth, cv::NORM_L1) / static_cast<double>(image.total());
            const double opencv_error = cv::norm(opencv_wide, truth, cv::NORM_L1) / static_cast<double>(image.total());
            EXPECT_LE(our_error, opencv_error * 1.02 + 1e-3) << sigma << " channels " << image.channels();
        }
    }
}

TEST(GaussianBlur, LargeSigmaUsesPyramid) {
    EXPECT_GE(pf::gaussian_factor(30, 0, pf::GaussianPrecision::Auto), 2);
    EXPECT_EQ(pf::gaussian_factor(30, 0, pf::GaussianPrecision::Exact), 1);
    EXPECT_EQ(pf::gaussian_factor(30, 181, pf::GaussianPrecision::Auto), 1);
}

/// The accuracy contract: <= 2 grey levels and >= 45 dB away from borders, on photos.
TEST(GaussianBlur, FastPathMatchesOpenCVOnPhotos) {
    for (const char* name : {"astronaut.jpg", "coffee.jpg", "chelsea.png"}) {
        const cv::Mat photo = pf::testing::sample_photo(name);
        for (double sigma : {8.0, 10.0, 12.0, 17.5, 30.0, 45.0}) {
            const cv::Rect inside = interior(photo, sigma);
            if (inside.width < 16 || inside.height < 16) continue;
            ASSERT_GE(pf::gaussian_factor(sigma, 0, pf::GaussianPrecision::Auto), 2);
            const cv::Mat fast = blur(photo, sigma)(inside), exact = reference(photo, sigma)(inside);
            EXPECT_LE(max_difference(fast, exact), 2.0) << name << " sigma " << sigma;
            EXPECT_GE(cv::PSNR(fast, exact), 45.0) << name << " sigma " << sigma;
        }
    }
}

TEST(GaussianBlur, FastPathMatchesOnSyntheticEdges) {
    const cv::Mat image = pf::testing::synthetic_photo(cv::Size(640, 480));
    for (double sigma : {12.0, 25.0}) {
        const cv::Rect inside = interior(image, sigma);
        const cv::Mat fast = blur(image, sigma)(inside), exact = reference(image, sigma)(inside);
        EXPECT_LE(max_difference(fast, exact), 2.0) << sigma;
        EXPECT_GE(cv::PSNR(fast, exact), 45.0) << sigma;
    }
}

TEST(GaussianBlur, FastPathOn16Bit) {
    const cv::Mat photo = pf::testing::as_type(pf::testing::sample_photo(), CV_16U, 3);
    const double sigma = 20;
    const cv::Rect inside = interior(photo, sigma);
    const cv::Mat fast = blur(photo, sigma)(inside), exact = reference(photo, sigma)(inside);
    EXPECT_EQ(fast.type(), CV_16UC3);
    EXPECT_LE(max_difference(fast, exact), 2.0 * 257);
}

TEST(GaussianBlur, BordersStayClose) {
    const cv::Mat photo = pf::testing::sample_photo();
    // Borders are reflected on the small grid rather than the full one: close, not exact.
    EXPECT_GE(cv::PSNR(blur(photo, 30), reference(photo, 30)), 40.0);
}

/// precision=fast trades accuracy for speed from sigma 6: looser, but still close.
TEST(GaussianBlur, FastPrecisionIsClose) {
    const cv::Mat photo = pf::testing::sample_photo();
    EXPECT_GE(pf::gaussian_factor(6, 0, pf::GaussianPrecision::Fast), 2);
    for (double sigma : {6.0, 20.0}) {
        const cv::Rect inside = interior(photo, sigma);
        const cv::Mat fast = blur(photo, sigma, "fast")(inside), exact = reference(photo, sigma)(inside);
        EXPECT_LE(max_difference(fast, exact), 6.0) << sigma;
        EXPECT_GE(cv::PSNR(fast, exact), 40.0) << sigma;
    }
}
