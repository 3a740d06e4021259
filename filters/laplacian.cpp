/// laplacian: absolute second derivative of the luma; bright where intensity
/// changes direction (edges, fine detail), in one channel.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    cv::Mat gray, second;
    kit::luma(image).convertTo(gray, CV_32F);
    cv::Laplacian(gray, second, CV_32F, values.integer("ksize"), 1, 0, cv::BORDER_REFLECT_101);
    cv::Mat out;
    cv::Mat(cv::abs(second)).convertTo(out, image.depth(), values.number("scale"));
    return out;
}

void check(const std::string& filter, const Values& values) { kit::require_odd(filter, values, "ksize"); }

}  // namespace

Filter laplacian_filter() {
    return {"laplacian",
            "Absolute Laplacian of the luma: one channel, bright on edges and detail (alpha dropped).",
            {kit::integer("ksize", "aperture: 1 (3x3 cross), 3, 5 or 7", "3", 1, 7),
             kit::number("scale", "multiplier of the result before clipping to the depth", "1", 0.001, 1000)},
            apply,
            check};
}

}  // namespace pixpool::filters
