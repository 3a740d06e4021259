/// sharpen: unsharp mask, out = in + amount * (in - blur(in)) where the
/// difference exceeds threshold, so flat noisy areas are left alone.

#include "fast_gaussian.hpp"
#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double sigma = values.number("sigma");
    const double amount = values.number("amount");
    const double scale = kit::full_scale(image.depth());
    const double threshold = values.number("threshold") / 255.0 * scale;
    return kit::on_colour(image, [&](const cv::Mat& colour) {
        cv::Mat source;
        colour.convertTo(source, CV_32F);
        cv::Mat detail = source - gaussian(source, sigma, 0, GaussianPrecision::Auto);
        if (threshold > 0) {
            cv::Mat small = cv::abs(detail) < threshold;
            detail.setTo(0, small);
        }
        cv::Mat out;
        cv::Mat(source + amount * detail).convertTo(out, colour.depth());
        return out;
    });
}

}  // namespace

Filter sharpen_filter() {
    return {"sharpen",
            "Unsharp mask: adds amount x (image - Gaussian blur). Alpha is kept.",
            {kit::number("sigma", "blur radius (standard deviation) in pixels", "1", 0.1, 100),
             kit::number("amount", "strength; 1 doubles local contrast", "1", 0, 20),
             kit::number("threshold",
                         "minimum difference to sharpen, in 8-bit grey levels (scaled for 16-bit)",
                         "0", 0, 255)},
            apply};
}

}  // namespace pixpool::filters
