/// sobel: gradient magnitude (or one derivative) of the luma, in one channel.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const std::string& direction = values.choice("direction");
    const int ksize = values.integer("ksize");
    cv::Mat gray, dx, dy, magnitude;
    kit::luma(image).convertTo(gray, CV_32F);
    if (direction != "y") cv::Sobel(gray, dx, CV_32F, 1, 0, ksize, 1, 0, cv::BORDER_REFLECT_101);
    if (direction != "x") cv::Sobel(gray, dy, CV_32F, 0, 1, ksize, 1, 0, cv::BORDER_REFLECT_101);
    if (direction == "x") magnitude = cv::abs(dx);
    else if (direction == "y") magnitude = cv::abs(dy);
    else cv::magnitude(dx, dy, magnitude);
    cv::Mat out;
    magnitude.convertTo(out, image.depth(), values.number("scale"));
    return out;
}

void check(const std::string& filter, const Values& values) { kit::require_odd(filter, values, "ksize"); }

}  // namespace

Filter sobel_filter() {
    return {"sobel",
            "Sobel gradient of the luma: one channel, |d/dx|, |d/dy| or the magnitude (alpha dropped).",
            {kit::choice("direction", "x, y or both (gradient magnitude)", "both", {"x", "y", "both"}),
             kit::integer("ksize", "Sobel kernel size: 1, 3, 5 or 7", "3", 1, 7),
             kit::number("scale", "multiplier of the result before clipping to the depth", "1", 0.001, 1000)},
            apply,
            check};
}

}  // namespace pixpool::filters
