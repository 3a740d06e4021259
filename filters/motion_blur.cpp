/// motion_blur: averages along a line of the given length and angle, as a
/// camera moving during exposure would.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace pixpool::filters {
namespace {

/// A normalised line kernel: each cell weighs 1 - its distance to the
/// segment (a one-pixel-wide anti-aliased line), so axis-aligned streaks are
/// exact boxes and other angles are smooth rather than jagged.
cv::Mat line_kernel(int length, double degrees) {
    const int size = length | 1;
    const double radians = degrees * CV_PI / 180.0, half = (length - 1) / 2.0, centre = (size - 1) / 2.0;
    const double ux = std::cos(radians), uy = -std::sin(radians);
    cv::Mat kernel(size, size, CV_32F);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const double px = x - centre, py = y - centre;
            const double t = std::clamp(px * ux + py * uy, -half, half);
            const double distance = std::hypot(px - t * ux, py - t * uy);
            kernel.at<float>(y, x) = static_cast<float>(std::max(0.0, 1.0 - distance));
        }
    }
    return kernel / cv::sum(kernel)[0];
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const cv::Mat kernel = line_kernel(values.integer("length"), values.number("angle"));
    return kit::premultiplied(image, [&](const cv::Mat& colour) {
        cv::Mat out;
        cv::filter2D(colour, out, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
        return out;
    });
}

}  // namespace

Filter motion_blur_filter() {
    return {"motion_blur",
            "Linear motion blur: the average along a line through each pixel (alpha-aware). "
            "Cost grows with length.",
            {kit::number("angle", "direction in degrees, counter-clockwise from horizontal", "0", -360, 360),
             kit::integer("length", "length of the streak in pixels", "15", 1, 501)},
            apply};
}

}  // namespace pixpool::filters
