/// emboss: relief effect; light appears to come from the top left.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const float strength = static_cast<float>(values.number("strength"));
    // The classic emboss kernel sums to 1, so flat areas keep their colour;
    // blending it with the identity makes strength 0 a no-op.
    const cv::Mat emboss = (cv::Mat_<float>(3, 3) << -2, -1, 0, -1, 1, 1, 0, 1, 2);
    cv::Mat identity = cv::Mat::zeros(3, 3, CV_32F);
    identity.at<float>(1, 1) = 1;
    const cv::Mat kernel = identity + strength * (emboss - identity);
    return kit::on_colour(image, [&](const cv::Mat& colour) {
        cv::Mat out;
        cv::filter2D(colour, out, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REFLECT_101);
        return out;
    });
}

}  // namespace

Filter emboss_filter() {
    return {"emboss",
            "Relief effect lit from the top left; keeps colours in flat areas. Alpha is kept.",
            {kit::number("strength", "0 leaves the image alone, 1 is the classic emboss", "1", 0, 10)},
            apply};
}

}  // namespace pixpool::filters
