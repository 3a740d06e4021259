/// threshold: black and white from the luma: a fixed level, Otsu's automatic
/// level, or a level adapted to each pixel's neighbourhood.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const std::string& method = values.choice("method");
    const int type = values.boolean("invert") ? cv::THRESH_BINARY_INV : cv::THRESH_BINARY;
    const double scale = kit::full_scale(image.depth());
    cv::Mat gray = kit::luma(image), out;
    if (method == "binary") {
        cv::threshold(gray, out, values.number("level") / 255.0 * scale, scale, type);
        return out;
    }
    // Otsu and adaptive are 8-bit only in OpenCV; deciding on 8 bits is
    // plenty for a black-and-white result.
    if (gray.depth() != CV_8U) gray.convertTo(gray, CV_8U, 1.0 / 257.0);
    if (method == "otsu") cv::threshold(gray, out, 0, 255, type | cv::THRESH_OTSU);
    else cv::adaptiveThreshold(gray, out, 255, cv::ADAPTIVE_THRESH_GAUSSIAN_C, type, values.integer("block"),
                               values.number("offset"));
    if (image.depth() != CV_8U) out.convertTo(out, image.depth(), 257.0);
    return out;
}

void check(const std::string& filter, const Values& values) { kit::require_odd(filter, values, "block"); }

}  // namespace

Filter threshold_filter() {
    return {"threshold",
            "Black and white (one channel, alpha dropped) from the luma: binary at level, otsu picks the "
            "level, adaptive compares each pixel with its neighbourhood.",
            {kit::choice("method", "binary, otsu or adaptive", "binary", {"binary", "otsu", "adaptive"}),
             kit::number("level", "binary: white above this 8-bit grey level (scaled for 16-bit)", "128", 0, 255),
             kit::integer("block", "adaptive: neighbourhood size, odd", "11", 3, 255),
             kit::number("offset", "adaptive: white when above the neighbourhood mean minus this", "2", -255, 255),
             kit::boolean("invert", "white below the level instead of above", "false")},
            apply,
            check};
}

}  // namespace pixpool::filters
