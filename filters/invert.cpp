/// invert: photographic negative of the colour channels (alpha is kept, so
/// transparent areas stay transparent).

#include "filter_kit.hpp"
#include "filter_list.hpp"

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values&) {
    return kit::on_colour(image, [](const cv::Mat& colour) {
        cv::Mat out;
        cv::subtract(cv::Scalar::all(kit::full_scale(colour.depth())), colour, out);
        return out;
    });
}

}  // namespace

Filter invert_filter() {
    return {"invert", "Negative: each colour value v becomes full scale - v. Alpha is kept.", {}, apply};
}

}  // namespace pixpool::filters
