#pragma once
/// Gaussian blur whose cost does not grow with sigma, shared by the
/// gaussian_blur filter and (exact mode) by sharpen.

#include <opencv2/core.hpp>

namespace pixpool::filters {

enum class GaussianPrecision { Auto, Exact, Fast };

/// cv::GaussianBlur(ksize, sigma, BORDER_REFLECT_101), or for a large sigma
/// (ksize 0, precision Auto or Fast) the pyramid method below. With ksize 0
/// and precision not Exact, an 8-bit image of up to half a megapixel is
/// convolved with a float kernel instead (within 1 grey level, and faster
/// there). Works on any
/// depth cv::GaussianBlur and cv::resize take (8U, 16U, 32F) and any channels.
cv::Mat gaussian(const cv::Mat& image, double sigma, int ksize, GaussianPrecision precision);

/// The downsampling factor gaussian() would use (1 = direct convolution).
int gaussian_factor(double sigma, int ksize, GaussianPrecision precision);

/// The O(1)-per-pixel path, exposed for tests: area-average by `factor`,
/// blur the small image with the remaining variance, upsample bilinearly.
cv::Mat downsampled_gaussian(const cv::Mat& image, double sigma, int factor);

}  // namespace pixpool::filters
