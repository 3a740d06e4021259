/// brightness_contrast: out = (in - 0.5) * contrast + 0.5 + brightness, on
/// values scaled to [0, 1]; a lookup table, so the cost is one read per value.

#include "filter_kit.hpp"
#include "filter_list.hpp"

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double brightness = values.number("brightness"), contrast = values.number("contrast");
    return kit::apply_curve(image, [&](double v) { return (v - 0.5) * contrast + 0.5 + brightness; });
}

}  // namespace

Filter brightness_contrast_filter() {
    return {"brightness_contrast",
            "Shift brightness and scale contrast around mid-grey. Alpha is kept.",
            {kit::number("brightness", "added, as a fraction of full scale (-1 black .. 1 white)", "0", -1, 1),
             kit::number("contrast", "multiplier around mid-grey; 1 unchanged, 0 flat grey", "1", 0, 10)},
            apply};
}

}  // namespace pixpool::filters
