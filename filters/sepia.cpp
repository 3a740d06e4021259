/// sepia: warm brown monochrome (the usual Microsoft/W3C sepia matrix),
/// blended with the original by amount.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double amount = values.number("amount");
    // Rows and columns in BGR order: out_b, out_g, out_r from in_b, in_g, in_r.
    const cv::Matx33d sepia(0.131, 0.534, 0.272,
                            0.168, 0.686, 0.349,
                            0.189, 0.769, 0.393);
    const cv::Matx33d matrix = amount * sepia + (1.0 - amount) * cv::Matx33d::eye();
    // A grey image gains colour, so it becomes BGR.
    cv::Mat input = image;
    if (image.channels() == 1) cv::cvtColor(image, input, cv::COLOR_GRAY2BGR);
    return kit::colour_matrix(input, matrix);
}

}  // namespace

Filter sepia_filter() {
    return {"sepia",
            "Sepia tone (warm brown monochrome). A 1-channel image becomes 3-channel; alpha is kept.",
            {kit::number("amount", "0 leaves the image alone, 1 is full sepia", "1", 0, 1)},
            apply};
}

}  // namespace pixpool::filters
