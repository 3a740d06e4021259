/// equalize: spreads the luma histogram over the whole range (global
/// histogram equalisation, or CLAHE: per tile with limited contrast gain).
/// Colour images are equalised on luma (YCrCb's Y) so hues do not shift.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace pixpool::filters {
namespace {

/// Global equalisation of a 1-channel image of either depth: each value maps
/// to its place in the cumulative histogram.
cv::Mat equalize_histogram(const cv::Mat& channel) {
    if (channel.depth() == CV_8U) {
        cv::Mat out;
        cv::equalizeHist(channel, out);
        return out;
    }
    std::vector<double> cdf = kit::histogram(channel);  // cv::equalizeHist is 8-bit only
    for (size_t v = 1; v < cdf.size(); ++v) cdf[v] += cdf[v - 1];
    const double first = *std::find_if(cdf.begin(), cdf.end(), [](double c) { return c > 0; });
    const double total = cdf.back(), top = static_cast<double>(cdf.size() - 1);
    return kit::apply_curve(channel, [&](double v) {
        const double below = cdf[static_cast<size_t>(std::lround(v * top))] - first;
        return total > first ? below / (total - first) : v;
    });
}

cv::Mat equalize_channel(const cv::Mat& channel, const Values& values) {
    if (values.choice("method") == "histogram") return equalize_histogram(channel);
    const int tiles = values.integer("tiles");
    cv::Mat out;
    cv::createCLAHE(values.number("clip_limit"), cv::Size(tiles, tiles))->apply(channel, out);
    return out;
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    return kit::on_colour(image, [&](const cv::Mat& colour) {
        if (colour.channels() == 1) return equalize_channel(colour, values);
        cv::Mat ycrcb, y;
        cv::cvtColor(colour, ycrcb, cv::COLOR_BGR2YCrCb);
        cv::extractChannel(ycrcb, y, 0);
        cv::insertChannel(equalize_channel(y, values), ycrcb, 0);
        cv::Mat out;
        cv::cvtColor(ycrcb, out, cv::COLOR_YCrCb2BGR);
        return out;
    });
}

}  // namespace

Filter equalize_filter() {
    return {"equalize",
            "Histogram equalisation of the luma (colours keep their hue): global, or CLAHE (adaptive, per "
            "tile, contrast gain limited). Alpha is kept.",
            {kit::choice("method", "histogram (global) or clahe (adaptive)", "histogram", {"histogram", "clahe"}),
             kit::number("clip_limit", "clahe: contrast gain limit; higher is stronger", "2", 0.1, 100),
             kit::integer("tiles", "clahe: tiles per side", "8", 1, 64)},
            apply};
}

}  // namespace pixpool::filters
