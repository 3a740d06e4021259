#include "shrink_on_load.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::detail {
namespace {

/// The first step, when it is a resize whose result shrink-on-load can
/// match: the area filter (what "auto" picks for a downscale) averages
/// blocks of pixels much as DCT scaling does, while cubic or nearest would
/// see different pixels.
const filters::Step* shrinkable_resize(const filters::Chain& chain) {
    if (chain.empty()) return nullptr;
    const filters::Step& first = chain.steps().front();
    if (first.filter->name != "resize") return nullptr;
    const std::string& interpolation = first.values.choice("interpolation");
    return interpolation == "auto" || interpolation == "area" ? &first : nullptr;
}

cv::Size turned(cv::Size size, bool quarter_turn) { return quarter_turn ? cv::Size(size.height, size.width) : size; }

}  // namespace

SmallestSize plan_shrink_on_load(const filters::Chain& chain, bool upright) {
    const filters::Step* resize = shrinkable_resize(chain);
    if (!resize) return {};
    const filters::Values values = resize->values;
    return [values, upright](cv::Size stored, int orientation) {
        const bool quarter_turn = upright && orientation >= 5;
        const cv::Size full = turned(stored, quarter_turn);
        const cv::Size target = filters::resize_geometry(values, full).scaled;
        if (target.width >= full.width || target.height >= full.height) return stored;
        // Twice the target: the area resize from there hides what the
        // codec's cheaper reduction did (PSNR >= 40 dB against a full decode).
        return turned(cv::Size(2 * target.width, 2 * target.height), quarter_turn);
    };
}

ChainStart finish_shrink_on_load(const filters::Chain& chain, const cv::Mat& decoded, cv::Size stored,
                                 cv::Vec2d scale, int orientation) {
    const filters::Step* resize = shrinkable_resize(chain);
    if (!resize || (scale[0] == 1 && scale[1] == 1)) return {turned_upright(decoded, orientation), chain};
    const bool quarter_turn = orientation >= 5;
    const filters::ResizeGeometry geometry = filters::resize_geometry(resize->values, turned(stored, quarter_turn));
    const cv::Size target = turned(geometry.scaled, quarter_turn);
    // By factors, not by the output size: at 1/d of a size d does not
    // divide, the last decoded column stands for fewer than d pixels, and
    // the factors keep each output pixel over the same part of the picture
    // as in the full-size resize (OpenCV takes the factors as given when no
    // size is). They round to the same size, as the decode is at least twice it.
    const double fx = target.width / (stored.width * scale[0]);
    const double fy = target.height / (stored.height * scale[1]);
    cv::Mat resized;
    cv::resize(decoded, resized, cv::Size(), fx, fy, cv::INTER_AREA);
    if (resized.size() != target) cv::resize(decoded, resized, target, 0, 0, cv::INTER_AREA);
    resized = turned_upright(resized, orientation);
    ChainStart start;
    start.image = geometry.kept.size() == geometry.scaled ? resized : resized(geometry.kept).clone();
    for (std::size_t i = 1; i < chain.steps().size(); ++i) start.rest.add(chain.steps()[i]);
    return start;
}

}  // namespace pixpool::detail
