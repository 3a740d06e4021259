/// pad: adds a border on each side, filled with a colour or from the edge.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/core.hpp>

#include <algorithm>
#include <limits>

namespace pixpool::filters {
namespace {

int border_mode(const std::string& mode) {
    if (mode == "replicate") return cv::BORDER_REPLICATE;
    if (mode == "reflect") return cv::BORDER_REFLECT_101;
    if (mode == "wrap") return cv::BORDER_WRAP;
    return cv::BORDER_CONSTANT;
}

int side(const Values& values, const char* name) {
    return values.has(name) ? values.integer(name) : values.integer("all");
}

cv::Size output_size(cv::Size input, const Values& values) {
    // 64-bit sums saturated to int: 100000 on each side of a wide image must not wrap.
    const auto grown = [](long long base, long long a, long long b) {
        return static_cast<int>(std::min<long long>(base + a + b, std::numeric_limits<int>::max()));
    };
    return {grown(input.width, side(values, "left"), side(values, "right")),
            grown(input.height, side(values, "top"), side(values, "bottom"))};
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    auto side = [&](const char* name) { return filters::side(values, name); };
    const int mode = border_mode(values.choice("mode"));
    cv::Mat out;
    cv::copyMakeBorder(image, out, side("top"), side("bottom"), side("left"), side("right"), mode,
                       kit::fill_colour(values.choice("fill"), image));
    return out;
}

}  // namespace

Filter pad_filter() {
    return {"pad",
            "Add a border: all on every side unless top, right, bottom or left is given.",
            {kit::integer("all", "pixels added on each side not given on its own", "0", 0, 100000),
             kit::integer("top", "pixels added above", "", 0, 100000),
             kit::integer("right", "pixels added on the right", "", 0, 100000),
             kit::integer("bottom", "pixels added below", "", 0, 100000),
             kit::integer("left", "pixels added on the left", "", 0, 100000),
             kit::choice("mode", "constant uses fill; replicate repeats the edge; reflect mirrors; wrap tiles",
                         "constant", {"constant", "replicate", "reflect", "wrap"}),
             kit::fill_param()},
            apply,
            nullptr,
            output_size};
}

}  // namespace pixpool::filters
