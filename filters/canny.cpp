/// canny: thin edge map (cv::Canny) of the image's luma: edge pixels at full
/// scale, the rest 0, in one channel.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    cv::Mat gray = kit::luma(image);
    // cv::Canny takes 8-bit only; the thresholds are in 8-bit gradient units anyway.
    if (gray.depth() != CV_8U) gray.convertTo(gray, CV_8U, 1.0 / 257.0);
    cv::Mat edges;
    cv::Canny(gray, edges, values.number("low"), values.number("high"), values.integer("aperture"),
              values.boolean("l2"));
    if (image.depth() != CV_8U) edges.convertTo(edges, image.depth(), 257.0);
    return edges;
}

void check(const std::string& filter, const Values& values) {
    kit::require_odd(filter, values, "aperture");
    if (values.number("low") > values.number("high"))
        kit::fail(filter, "low (" + values.choice("low") + ") must not exceed high (" + values.choice("high") + ")");
}

}  // namespace

Filter canny_filter() {
    return {"canny",
            "Canny edge map of the luma: one channel, edges white on black (alpha dropped).",
            {kit::number("low", "hysteresis low threshold (8-bit gradient units)", "50", 0, 10000),
             kit::number("high", "hysteresis high threshold; strong edges start here", "150", 0, 10000),
             kit::integer("aperture", "Sobel aperture: 3, 5 or 7", "3", 3, 7),
             kit::boolean("l2", "use the exact L2 gradient magnitude instead of |dx|+|dy|", "false")},
            apply,
            check};
}

}  // namespace pixpool::filters
