/// median_blur: per-channel median over a size x size square; removes salt
/// and pepper noise while keeping edges.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat median(const cv::Mat& image, int size) {
    cv::Mat out;
    cv::medianBlur(image, out, size);
    return out;
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const int size = values.integer("size");
    // OpenCV's 16-bit median only exists for the 3x3 and 5x5 sorting networks.
    if (image.depth() == CV_16U && size > 5)
        kit::fail("median_blur", "16-bit images take size 3 or 5 only, got " + std::to_string(size));
    // Alpha takes its median with the colour: where most of the square is
    // transparent the pixel becomes transparent, so the (often black) colour
    // of transparent pixels only wins where it is not seen.
    return median(image, size);
}

void check(const std::string& filter, const Values& values) {
    kit::require_odd(filter, values, "size");
}

}  // namespace

Filter median_blur_filter() {
    return {"median_blur",
            "Median of each channel over a size x size square; removes speckle noise, keeps edges. "
            "16-bit images take size 3 or 5 only. Alpha is filtered like the colours.",
            {kit::integer("size", "side of the square, odd", "3", 3, 255)},
            apply,
            check};
}

}  // namespace pixpool::filters
