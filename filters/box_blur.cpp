/// box_blur: mean over a size x size square (cv::blur, running sums, so the
/// cost does not depend on size).

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const int size = values.integer("size");
    return kit::premultiplied(image, [&](const cv::Mat& colour) {
        cv::Mat out;
        cv::blur(colour, out, cv::Size(size, size), cv::Point(-1, -1), cv::BORDER_REFLECT_101);
        return out;
    });
}

}  // namespace

Filter box_blur_filter() {
    return {"box_blur",
            "Box (mean) blur over a size x size square (borders reflected, alpha-aware).",
            {kit::integer("size", "side of the square in pixels", "3", 1, 4001)},
            apply};
}

}  // namespace pixpool::filters
