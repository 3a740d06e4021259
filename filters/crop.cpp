/// crop: keeps a rectangle, given by its corner (x, y) or placed by gravity.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <algorithm>

namespace pixpool::filters {
namespace {

/// Offset of a span of `inner` within `outer`: at the start, end or centre.
int place(int outer, int inner, bool at_start, bool at_end) {
    if (at_start) return 0;
    if (at_end) return outer - inner;
    return (outer - inner) / 2;
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const std::string& gravity = values.choice("gravity");
    cv::Rect rect(values.has("x") ? values.integer("x") : 0, values.has("y") ? values.integer("y") : 0, 0, 0);
    rect.width = values.has("width") ? values.integer("width") : image.cols - rect.x;
    rect.height = values.has("height") ? values.integer("height") : image.rows - rect.y;
    if (gravity != "none") {
        rect.width = std::min(rect.width, image.cols);
        rect.height = std::min(rect.height, image.rows);
        auto has = [&](const char* word) { return gravity.find(word) != std::string::npos; };
        rect.x = place(image.cols, rect.width, has("west"), has("east"));
        rect.y = place(image.rows, rect.height, has("north"), has("south"));
    }
    const cv::Rect inside = rect & cv::Rect(0, 0, image.cols, image.rows);
    if (inside.empty())
        kit::fail("crop", "the region lies outside the " + std::to_string(image.cols) + "x" +
                              std::to_string(image.rows) + " image");
    return image(inside).clone();
}

void check(const std::string& filter, const Values& values) {
    const bool corner = values.has("x") || values.has("y");
    const bool size = values.has("width") || values.has("height");
    if (values.choice("gravity") != "none" && corner) kit::fail(filter, "x and y cannot be combined with gravity");
    if (values.choice("gravity") == "none" && !corner && !size)
        kit::fail(filter, "give x, y, width, height or a gravity");
}

}  // namespace

Filter crop_filter() {
    return {"crop",
            "Keep the rectangle x, y, width, height (clipped to the image), or a width x height "
            "rectangle placed by gravity.",
            {kit::integer("x", "left edge (default 0)", "", 0, 1000000),
             kit::integer("y", "top edge (default 0)", "", 0, 1000000),
             kit::integer("width", "width (default: to the right edge, or the whole width with gravity)", "", 1,
                          1000000),
             kit::integer("height", "height (default: to the bottom edge, or the whole height with gravity)", "", 1,
                          1000000),
             kit::choice("gravity", "where the rectangle sits instead of x, y: none uses x and y", "none",
                         {"none", "center", "north", "south", "east", "west", "northeast", "northwest",
                          "southeast", "southwest"})},
            apply,
            check};
}

}  // namespace pixpool::filters
