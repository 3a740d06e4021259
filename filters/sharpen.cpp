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
    const double threshold = values.number("threshold") / 255.0 * kit::full_scale(image.depth());
    return kit::on_colour(image, [&](const cv::Mat& colour) {
        // Everything stays in the image's depth: (1 + amount) * in - amount * blur
        // is one saturating pass, and full-size float temporaries would cost
        // more in memory traffic than the blur itself.
        const cv::Mat blurred = gaussian(colour, sigma, 0, GaussianPrecision::Auto);
        cv::Mat out;
        cv::addWeighted(colour, 1.0 + amount, blurred, -amount, 0.0, out);
        if (threshold > 0) {
            cv::Mat difference;
            cv::absdiff(colour, blurred, difference);
            colour.copyTo(out, difference < threshold);
        }
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
