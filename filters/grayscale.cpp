/// grayscale: luma (Rec. 601 weights, as cv::cvtColor) in one channel.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    cv::Mat gray = kit::luma(image);
    if (image.channels() == 4 && values.choice("alpha") == "keep") return kit::with_alpha_of(image, gray);
    return gray.data == image.data ? image.clone() : gray;
}

}  // namespace

Filter grayscale_filter() {
    return {"grayscale",
            "Luma (0.299 R + 0.587 G + 0.114 B) as one channel. An image with alpha stays 4-channel "
            "(grey in B, G and R, alpha kept) unless alpha=drop.",
            {kit::choice("alpha", "keep: BGRA stays BGRA with grey colour; drop: one channel, alpha discarded",
                         "keep", {"keep", "drop"})},
            apply};
}

}  // namespace pixpool::filters
