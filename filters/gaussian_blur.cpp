/// gaussian_blur: cv::GaussianBlur for small sigma, the pyramid method of
/// fast_gaussian.cpp for large sigma, so the cost does not grow with sigma.

#include "fast_gaussian.hpp"
#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <algorithm>

namespace pixpool::filters {
namespace {

GaussianPrecision precision_of(const std::string& text) {
    if (text == "exact") return GaussianPrecision::Exact;
    if (text == "fast") return GaussianPrecision::Fast;
    return GaussianPrecision::Auto;
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double sigma = values.number("sigma");
    const int ksize = values.integer("ksize");
    const GaussianPrecision precision = precision_of(values.choice("precision"));
    return kit::premultiplied(image, [&](const cv::Mat& colour) {
        return gaussian(colour, sigma, ksize, precision);
    });
}

/// A plane at 1/step of the image's size sees the same blur at 1/step of
/// the sigma (and of a fixed kernel size, kept odd).
cv::Mat apply_to_plane(const cv::Mat& plane, int step, const Values& values) {
    const double sigma = values.number("sigma") / step;
    const int ksize = values.integer("ksize");
    const int plane_ksize = ksize == 0 ? 0 : std::max(1, ksize / step) | 1;
    return gaussian(plane, sigma, plane_ksize, precision_of(values.choice("precision")));
}

void check(const std::string& filter, const Values& values) {
    if (values.integer("ksize") != 0) kit::require_odd(filter, values, "ksize");
}

}  // namespace

Filter gaussian_blur_filter() {
    return {"gaussian_blur",
            "Gaussian blur (borders reflected, alpha-aware). Cost stays flat for large sigma.",
            {kit::number("sigma", "standard deviation in pixels", "2", 0.1, 500),
             kit::integer("ksize", "kernel size, odd; 0 derives it from sigma (6*sigma+1 for 8-bit, "
                                   "8*sigma+1 for 16-bit); a fixed size always convolves directly",
                          "0", 0, 4001),
             kit::choice("precision",
                         "auto: direct convolution below sigma 8, then the pyramid method (within 2 "
                         "grey levels of exact); exact: always cv::GaussianBlur; fast: pyramid from "
                         "sigma 6 with a coarser grid",
                         "auto", {"auto", "exact", "fast"})},
            apply,
            check,
            nullptr,
            apply_to_plane};
}

}  // namespace pixpool::filters
