/// gamma: out = in^(1/gamma) on values scaled to [0, 1] (gamma > 1 brightens
/// the mid-tones, as ImageMagick's -gamma); black and white stay put.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <cmath>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double exponent = 1.0 / values.number("gamma");
    return kit::apply_curve(image, [&](double v) { return std::pow(v, exponent); });
}

}  // namespace

Filter gamma_filter() {
    return {"gamma",
            "Gamma correction: > 1 brightens mid-tones, < 1 darkens them. Alpha is kept.",
            {kit::number("gamma", "1 leaves the image unchanged", "1", 0.01, 10)},
            apply};
}

}  // namespace pixpool::filters
