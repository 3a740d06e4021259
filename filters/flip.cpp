/// flip: mirror left-right, top-bottom or both (exact, no resampling).

#include "filter_kit.hpp"
#include "filter_list.hpp"

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const std::string& axis = values.choice("axis");
    cv::Mat out;
    cv::flip(image, out, axis == "horizontal" ? 1 : axis == "vertical" ? 0 : -1);
    return out;
}

}  // namespace

Filter flip_filter() {
    return {"flip",
            "Mirror the image: horizontal swaps left and right, vertical top and bottom, both does both.",
            {kit::choice("axis", "horizontal, vertical or both", "horizontal", {"horizontal", "vertical", "both"})},
            apply};
}

}  // namespace pixpool::filters
