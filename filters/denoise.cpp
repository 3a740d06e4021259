/// denoise: non-local means (cv::fastNlMeansDenoising*): averages pixels whose
/// surrounding patches look alike, removing noise without blurring texture.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/photo.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const float strength = static_cast<float>(values.number("strength"));
    const int patch = values.integer("patch"), search = values.integer("search");
    return kit::on_colour(image, [&](const cv::Mat& colour) {
        cv::Mat out;
        if (colour.depth() == CV_8U && colour.channels() == 3) {
            // The coloured variant denoises in Lab, so noise does not shift hues.
            cv::fastNlMeansDenoisingColored(colour, out, strength, strength, patch, search);
        } else if (colour.depth() == CV_8U) {
            cv::fastNlMeansDenoising(colour, out, strength, patch, search);
        } else {
            // 16-bit is only supported with the L1 patch distance; scale h to 16-bit levels.
            cv::fastNlMeansDenoising(colour, out, std::vector<float>{strength * 257.0f}, patch, search, cv::NORM_L1);
        }
        return out;
    });
}

void check(const std::string& filter, const Values& values) {
    kit::require_odd(filter, values, "patch");
    kit::require_odd(filter, values, "search");
}

}  // namespace

Filter denoise_filter() {
    return {"denoise",
            "Non-local means denoising (OpenCV photo module); slow (seconds per megapixel). Alpha is kept.",
            {kit::number("strength", "filter strength h in 8-bit grey levels; higher removes more noise and detail",
                         "10", 0, 100),
             kit::integer("patch", "side of the compared patches, odd", "7", 3, 21),
             kit::integer("search", "side of the search window, odd", "21", 3, 51)},
            apply,
            check};
}

}  // namespace pixpool::filters
