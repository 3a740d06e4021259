/// rotate: clockwise by any angle; multiples of 90 are exact (cv::rotate, no
/// resampling), other angles resample and fill the uncovered corners.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

#include <cmath>

namespace pixpool::filters {
namespace {

cv::Mat quarter_turns(const cv::Mat& image, int turns) {
    static const int codes[] = {0, cv::ROTATE_90_CLOCKWISE, cv::ROTATE_180, cv::ROTATE_90_COUNTERCLOCKWISE};
    if (turns == 0) return image.clone();
    cv::Mat out;
    cv::rotate(image, out, codes[turns]);
    return out;
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double angle = values.number("angle");
    const double turns = angle / 90.0;
    if (std::abs(turns - std::round(turns)) < 1e-9)
        return quarter_turns(image, ((static_cast<int>(std::round(turns)) % 4) + 4) % 4);
    const cv::Point2f centre((image.cols - 1) / 2.0f, (image.rows - 1) / 2.0f);
    cv::Mat matrix = cv::getRotationMatrix2D(centre, -angle, 1.0);  // OpenCV's positive is counter-clockwise
    cv::Size size = image.size();
    if (values.boolean("expand")) {
        const cv::Rect2f bounds = cv::RotatedRect(cv::Point2f(), image.size(), static_cast<float>(angle)).boundingRect2f();
        size = cv::Size(static_cast<int>(std::ceil(bounds.width - 1e-3)), static_cast<int>(std::ceil(bounds.height - 1e-3)));
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
            apply};
}

}  // namespace pixpool::filters
