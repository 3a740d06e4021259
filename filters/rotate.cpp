/// rotate: clockwise by any angle; multiples of 90 are exact (cv::rotate, no
/// resampling), other angles resample and fill the uncovered corners.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace pixpool::filters {
namespace {

cv::Mat quarter_turns(const cv::Mat& image, int turns) {
    static const int codes[] = {0, cv::ROTATE_90_CLOCKWISE, cv::ROTATE_180, cv::ROTATE_90_COUNTERCLOCKWISE};
    if (turns == 0) return image.clone();
    cv::Mat out;
    cv::rotate(image, out, codes[turns]);
    return out;
}

/// Quarter turns, 0..3, when the angle is a multiple of 90 degrees; else -1.
int exact_turns(double angle) {
    const double turns = angle / 90.0;
    if (std::abs(turns - std::round(turns)) >= 1e-9) return -1;
    return ((static_cast<int>(std::round(turns)) % 4) + 4) % 4;
}

cv::Size output_size(cv::Size input, const Values& values) {
    const double angle = values.number("angle");
    const int turns = exact_turns(angle);
    if (turns >= 0) return turns % 2 ? cv::Size(input.height, input.width) : input;
    if (!values.boolean("expand")) return input;
    const cv::Rect2f bounds = cv::RotatedRect(cv::Point2f(), input, static_cast<float>(angle)).boundingRect2f();
    return {static_cast<int>(std::ceil(bounds.width - 1e-3)), static_cast<int>(std::ceil(bounds.height - 1e-3))};
}

/// OpenCV's warpAffine asserts below SHORT_MAX a side (dst.cols < SHRT_MAX).
constexpr int kMaxResampledSide = 32766;

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double angle = values.number("angle");
    if (const int turns = exact_turns(angle); turns >= 0) return quarter_turns(image, turns);
    const cv::Point2f centre((image.cols - 1) / 2.0f, (image.rows - 1) / 2.0f);
    cv::Mat matrix = cv::getRotationMatrix2D(centre, -angle, 1.0);  // OpenCV's positive is counter-clockwise
    const cv::Size size = output_size(image.size(), values);
    if (std::max({size.width, size.height, image.cols, image.rows}) > kMaxResampledSide) {
        char degrees[32];
        std::snprintf(degrees, sizeof degrees, "%g", angle);
        throw FilterError("rotate: by " + std::string(degrees) + " degrees (not a multiple of 90) works up to " +
                          std::to_string(kMaxResampledSide) + " pixels a side; the image is " +
                          std::to_string(image.cols) + "x" + std::to_string(image.rows) + " and the output would be " +
                          std::to_string(size.width) + "x" + std::to_string(size.height));
    }
    if (size != image.size()) {
        matrix.at<double>(0, 2) += (size.width - 1) / 2.0 - centre.x;
        matrix.at<double>(1, 2) += (size.height - 1) / 2.0 - centre.y;
    }
    const std::string& fill = values.choice("fill");
    const int interpolation = kit::interpolation_flag(values.choice("interpolation"));
    return kit::premultiplied(image, [&](const cv::Mat& colour) {
        const bool working = colour.depth() == CV_32F;  // kit::premultiplied's BGRA working copy
        cv::Mat out;
        cv::warpAffine(colour, out, matrix, size, interpolation, cv::BORDER_CONSTANT,
                       working ? kit::premultiplied_fill(fill) : kit::fill_colour(fill, colour));
        return out;
    });
}

}  // namespace

Filter rotate_filter() {
    return {"rotate",
            "Rotate clockwise. Multiples of 90 degrees are exact and swap width and height; other angles "
            "resample (alpha-aware) and fill the corners.",
            {kit::number("angle", "degrees clockwise; negative turns counter-clockwise", "90", -360, 360),
             kit::fill_param(),
             kit::boolean("expand", "grow the canvas to hold the whole rotated image (else keep the size)", "false"),
             kit::interpolation_param("linear", false)},
            apply,
            nullptr,
            output_size};
}

}  // namespace pixpool::filters
