#pragma once
/// Test images: real photos from sample_images/ when present, otherwise a
/// synthetic photo-like image (gradients, texture, noise and hard edges).

#include <opencv2/core.hpp>

#include <string>

namespace pixpool::filters::testing {

/// A photo-like 8-bit BGR image, reproducible (fixed seed).
cv::Mat synthetic_photo(cv::Size size);

/// sample_images/<name> as 8-bit BGR, or synthetic_photo(512x512) if absent.
cv::Mat sample_photo(const std::string& name = "astronaut.jpg");

/// `image` (8-bit BGR) converted to the given depth and channel count
/// (4 channels: an alpha ramp from transparent at the left to opaque).
cv::Mat as_type(const cv::Mat& image, int depth, int channels);

/// Largest absolute difference over all channels.
double max_difference(const cv::Mat& a, const cv::Mat& b);

}  // namespace pixpool::filters::testing
