/// The large-sigma Gaussian: area-average the image by an integer factor f,
/// blur the small image, upsample bilinearly.
///
/// Why it is accurate: an f-wide area average followed by a Gaussian sampled
/// every f pixels is, on the full grid, a staircase approximation of a
/// Gaussian whose variance is (f^2-1)/12 + (f*sigma_small)^2; choosing
/// sigma_small to make that equal sigma^2 matches the variance exactly. The
/// result is so smooth (f <= sigma/kSigmaPerFactor) that bilinear
/// upsampling and the staircase differ from the true blur by well under a
/// grey level. Why it is fast: the full-resolution work is one area average
/// and one bilinear resize, whatever sigma is; the small blur costs
/// O(sigma/f) per small pixel, i.e. O(1/f) per full pixel.

#include "fast_gaussian.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace pixpool::filters {
namespace {

/// Sigma left on the small image, in small pixels. Large enough that the
/// upsampling error (~ f^2/8 times the blurred curvature, 0.3 of a grey level
/// on a full-contrast 8-bit edge) plus the rounding of the small image stays
/// within 2 grey levels of cv::GaussianBlur (measured on photos: sigma/f of
/// 2.7 gives 4 levels, 3.3 to 7 give at most 2); small enough to keep f large.
constexpr double kSigmaPerFactor = 5.0;
/// Auto switches to the pyramid here with f = 2 (sigma/f = 4, measured 1
/// level): from about this sigma on it beats direct convolution (docs/filters.md).
constexpr double kAutoMinSigma = 8.0;
/// precision=fast accepts a coarser small sigma and starts lower.
constexpr double kFastSigmaPerFactor = 3.0;

/// Up to this size an 8-bit image is blurred by cv::sepFilter2D with a float
/// kernel rather than by cv::GaussianBlur. The latter builds its bit-exact
/// fixed-point kernel in software floating point on every call, about 0.3 ms
/// for sigma 3: on a 320x240 plane that is more than the convolution itself
/// (bench/filters_benchmark, gaussian_plane_*). The float kernel rounds once,
/// so it is within 1 grey level of cv::GaussianBlur and as close to the
/// true blur; from about half a megapixel on, the fixed point is as fast.
constexpr std::size_t kSmallImagePixels = 500'000;
/// The kernel size cv::GaussianBlur derives from sigma for this depth; the
/// small blur is truncated at the same number of sigmas so both agree.
double truncation_sigmas(int depth) { return depth == CV_8U ? 3.0 : 4.0; }

}  // namespace

int gaussian_factor(double sigma, int ksize, GaussianPrecision precision) {
    if (ksize > 0 || precision == GaussianPrecision::Exact) return 1;
    if (precision == GaussianPrecision::Auto && sigma < kAutoMinSigma) return 1;
    if (precision == GaussianPrecision::Fast && sigma < 2 * kFastSigmaPerFactor) return 1;
    const double per_factor = precision == GaussianPrecision::Fast ? kFastSigmaPerFactor : kSigmaPerFactor;
    return std::max(2, static_cast<int>(std::floor(sigma / per_factor)));
}

cv::Mat downsampled_gaussian(const cv::Mat& image, double sigma, int factor) {
    const cv::Size small_size((image.cols + factor - 1) / factor, (image.rows + factor - 1) / factor);
    cv::Mat small;
    cv::resize(image, small, small_size, 0, 0, cv::INTER_AREA);
    const double fx = static_cast<double>(image.cols) / small_size.width;
    const double fy = static_cast<double>(image.rows) / small_size.height;
    // Variance left after the area average, expressed in small pixels.
    const double sx = std::sqrt(std::max(sigma * sigma - (fx * fx - 1) / 12.0, 0.01)) / fx;
    const double sy = std::sqrt(std::max(sigma * sigma - (fy * fy - 1) / 12.0, 0.01)) / fy;
    const double reach = truncation_sigmas(image.depth());
    const cv::Size ksize(2 * static_cast<int>(std::round(reach * sx)) + 1,
                         2 * static_cast<int>(std::round(reach * sy)) + 1);
    // Blurring in the image's own depth rounds once, as the float detour
    // followed by a conversion back would, and 8-bit fixed point is ~3x faster.
    cv::GaussianBlur(small, small, ksize, sx, sy, cv::BORDER_REFLECT_101);
    cv::Mat out;
    cv::resize(small, out, image.size(), 0, 0, cv::INTER_LINEAR);
    return out;
}

namespace {

bool small_8bit(const cv::Mat& image) { return image.depth() == CV_8U && image.total() <= kSmallImagePixels; }

cv::Mat small_image_gaussian(const cv::Mat& image, double sigma) {
    const int size = cvRound(sigma * truncation_sigmas(CV_8U) * 2 + 1) | 1;  // as cv::GaussianBlur derives it
    const cv::Mat kernel = cv::getGaussianKernel(size, sigma, CV_32F);
    cv::Mat out;
    cv::sepFilter2D(image, out, -1, kernel, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
    return out;
}

}  // namespace

cv::Mat gaussian(const cv::Mat& image, double sigma, int ksize, GaussianPrecision precision) {
    const int factor = gaussian_factor(sigma, ksize, precision);
    if (factor >= 2) return downsampled_gaussian(image, sigma, factor);
    if (precision != GaussianPrecision::Exact && ksize == 0 && small_8bit(image))
        return small_image_gaussian(image, sigma);
    cv::Mat out;
    cv::GaussianBlur(image, out, cv::Size(ksize, ksize), sigma, sigma, cv::BORDER_REFLECT_101);
    return out;
}

}  // namespace pixpool::filters
