/// pad: adds a border on each side, filled with a colour or from the edge.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/core.hpp>

namespace pixpool::filters {
namespace {

int border_mode(const std::string& mode) {
    if (mode == "replicate") return cv::BORDER_REPLICATE;
    if (mode == "reflect") return cv::BORDER_REFLECT_101;
    if (mode == "wrap") return cv::BORDER_WRAP;
    return cv::BORDER_CONSTANT;
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const int all = values.integer("all");
    auto side = [&](const char* name) { return values.has(name) ? values.integer(name) : all; };
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
            apply};
}

}  // namespace pixpool::filters
