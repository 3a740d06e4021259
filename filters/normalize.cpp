/// normalize: stretches the colour values so the darkest becomes black and the
/// brightest white (optionally ignoring a percentage of outliers at each end).
/// One stretch for all colour channels, so hues do not shift.

#include "filter_kit.hpp"
#include "filter_list.hpp"

namespace pixpool::filters {
namespace {

/// The lowest value with more than `fraction` of all counts at or below it
/// (from_top: the highest value with more than `fraction` at or above it).
size_t percentile(const std::vector<double>& counts, double fraction, bool from_top) {
    double total = 0;
    for (double c : counts) total += c;
    double seen = 0;
    for (size_t i = 0; i < counts.size(); ++i) {
        const size_t v = from_top ? counts.size() - 1 - i : i;
        seen += counts[v];
        if (seen > fraction * total) return v;
    }
    return from_top ? 0 : counts.size() - 1;
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double clip = values.number("clip") / 100.0;
    const std::vector<double> counts = kit::histogram(image);
    const double top = static_cast<double>(counts.size() - 1);
    const double low = percentile(counts, clip, false) / top, high = percentile(counts, clip, true) / top;
    if (high <= low) return image.clone();  // a flat image has nothing to stretch
    return kit::apply_curve(image, [&](double v) { return (v - low) / (high - low); });
}

}  // namespace

Filter normalize_filter() {
    return {"normalize",
            "Stretch contrast to the full range, one stretch for all colour channels. Alpha is kept.",
            {kit::number("clip", "percent of values saturated at each end (ignores outliers)", "0", 0, 49)},
            apply};
}

}  // namespace pixpool::filters
