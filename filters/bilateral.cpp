/// bilateral: edge-preserving smoothing; neighbours are weighted by both
/// distance and colour difference, so edges between different colours stay sharp.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const int diameter = values.integer("diameter");
    const double sigma_color = values.number("sigma_color");
    const double sigma_space = values.number("sigma_space");
    // Colour only: alpha is not a colour, and an edge-preserving filter has
    // no colour bleeding to prevent.
    return kit::on_colour(image, [&](const cv::Mat& colour) {
        cv::Mat out;
        if (colour.depth() == CV_8U) {
            cv::bilateralFilter(colour, out, diameter, sigma_color, sigma_space, cv::BORDER_REFLECT_101);
            return out;
        }
        // OpenCV's bilateral takes 8-bit or float; float on the 8-bit scale
        // keeps sigma_color meaning the same for 16-bit images.
        cv::Mat work, filtered;
        colour.convertTo(work, CV_32F, 1.0 / 257.0);
        cv::bilateralFilter(work, filtered, diameter, sigma_color, sigma_space, cv::BORDER_REFLECT_101);
        filtered.convertTo(out, colour.depth(), 257.0);
        return out;
    });
}

}  // namespace

Filter bilateral_filter() {
    return {"bilateral",
            "Edge-preserving smoothing (cv::bilateralFilter): smooths flat areas, keeps edges. Alpha is kept.",
            {kit::integer("diameter", "neighbourhood diameter in pixels; 0 derives it from sigma_space", "9", 0, 64),
             kit::number("sigma_color", "how different (8-bit grey levels) colours may be and still mix", "50", 0.1, 1000),
             kit::number("sigma_space", "how far (pixels) neighbours reach", "5", 0.1, 100)},
            apply};
}

}  // namespace pixpool::filters
