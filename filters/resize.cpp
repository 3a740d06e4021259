/// resize: to a width and/or height or by a scale, keeping the aspect ratio
/// unless fit=fill, and never enlarging unless upscale=true.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace pixpool::filters {
namespace {

/// Scale factors along x and y for an image of `input` size, per the parameters.
cv::Vec2d factors(cv::Size input, const Values& values) {
    if (values.has("scale")) return {values.number("scale"), values.number("scale")};
    const double rx = values.has("width") ? values.integer("width") / static_cast<double>(input.width) : 0;
    const double ry = values.has("height") ? values.integer("height") / static_cast<double>(input.height) : 0;
    if (rx == 0) return {ry, ry};
    if (ry == 0) return {rx, rx};
    const std::string& fit = values.choice("fit");
    if (fit == "fill") return {rx, ry};
    const double r = fit == "cover" ? std::max(rx, ry) : std::min(rx, ry);
    return {r, r};
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const ResizeGeometry geometry = resize_geometry(values, image.size());
    const cv::Size size = geometry.scaled;
    const cv::Rect keep = geometry.kept;
    std::string interpolation = values.choice("interpolation");
    const cv::Vec2d f = factors(image.size(), values);
    if (interpolation == "auto") interpolation = f[0] < 1 && f[1] < 1 ? "area" : "cubic";
    if (size == image.size()) return image(keep).clone();
    return kit::premultiplied(image, [&](const cv::Mat& colour) {
        cv::Mat out;
        cv::resize(colour, out, size, 0, 0, kit::interpolation_flag(interpolation));
        return out(keep).clone();
    });
}

void check(const std::string& filter, const Values& values) {
    const bool box = values.has("width") || values.has("height");
    if (values.has("scale") && box) kit::fail(filter, "give either scale or width/height, not both");
    if (!values.has("scale") && !box) kit::fail(filter, "give width, height or scale");
}

}  // namespace

ResizeGeometry resize_geometry(const Values& values, cv::Size input) {
    cv::Vec2d f = factors(input, values);
    if (!values.boolean("upscale")) f = {std::min(f[0], 1.0), std::min(f[1], 1.0)};
    const cv::Size size(std::max(1, static_cast<int>(std::lround(input.width * f[0]))),
                        std::max(1, static_cast<int>(std::lround(input.height * f[1]))));
    // "cover" crops the overflow, centred, to exactly the asked box.
    cv::Rect keep(0, 0, size.width, size.height);
    if (values.choice("fit") == "cover" && values.has("width") && values.has("height")) {
        keep.width = std::min(size.width, values.integer("width"));
        keep.height = std::min(size.height, values.integer("height"));
        keep.x = (size.width - keep.width) / 2;
        keep.y = (size.height - keep.height) / 2;
    }
    return {size, keep};
}

Filter resize_filter() {
    return {"resize",
            "Resize to width and/or height, or by scale; the aspect ratio is kept unless fit=fill. "
            "Never enlarges unless upscale=true. Alpha-aware.",
            {kit::integer("width", "target width in pixels (alone: height follows the aspect)", "", 1, 100000),
             kit::integer("height", "target height in pixels (alone: width follows the aspect)", "", 1, 100000),
             kit::number("scale", "scale factor instead of width/height", "", 0.0001, 100),
             kit::choice("fit",
                         "with both width and height: inside fits within the box, cover fills it "
                         "and crops the overflow (centred), fill stretches to it",
                         "inside", {"inside", "cover", "fill"}),
             kit::interpolation_param("auto", true),
             kit::boolean("upscale", "allow the result to be larger than the image", "false")},
            apply,
            check,
            [](cv::Size input, const Values& values) { return resize_geometry(values, input).kept.size(); }};
}

}  // namespace pixpool::filters
