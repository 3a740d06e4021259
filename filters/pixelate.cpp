/// pixelate: replaces each block x block square by its mean colour, over the
/// whole image or one region (e.g. to hide a face or a licence plate).

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Rect region(const cv::Mat& image, const Values& values) {
    const int x = values.integer("x"), y = values.integer("y");
    const int width = values.has("width") ? values.integer("width") : image.cols - x;
    const int height = values.has("height") ? values.integer("height") : image.rows - y;
    const cv::Rect inside = cv::Rect(x, y, width, height) & cv::Rect(0, 0, image.cols, image.rows);
    if (inside.empty())
        kit::fail("pixelate", "the region lies outside the " + std::to_string(image.cols) + "x" +
                                  std::to_string(image.rows) + " image");
    return inside;
}

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const int block = values.integer("block");
    const cv::Rect area = region(image, values);
    return kit::premultiplied(image, [&](const cv::Mat& colour) {
        cv::Mat out = colour.clone();
        // Blocks are aligned to the region's corner; the last row and column may be narrower.
        for (int y = area.y; y < area.br().y; y += block) {
            for (int x = area.x; x < area.br().x; x += block) {
                cv::Mat cell = out(cv::Rect(x, y, block, block) & area);
                cell.setTo(cv::mean(cell));
            }
        }
        return out;
    });
}

}  // namespace

Filter pixelate_filter() {
    return {"pixelate",
            "Mosaic: each block x block square becomes its mean colour (alpha-aware), over the whole "
            "image or the region x, y, width, height (clipped to the image).",
            {kit::integer("block", "side of the squares in pixels", "10", 2, 10000),
             kit::integer("x", "left edge of the region", "0", 0, 1000000),
             kit::integer("y", "top edge of the region", "0", 0, 1000000),
             kit::integer("width", "width of the region; default: to the right edge", "", 1, 1000000),
             kit::integer("height", "height of the region; default: to the bottom edge", "", 1, 1000000)},
            apply};
}

}  // namespace pixpool::filters
