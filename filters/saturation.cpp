/// saturation: moves each colour away from (amount > 1) or towards
/// (amount < 1) its own luma, so brightness is kept while colourfulness changes.

#include "filter_kit.hpp"
#include "filter_list.hpp"

#include <opencv2/imgproc.hpp>

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    const double amount = values.number("amount");
    if (image.channels() == 1) return image.clone();  // grey has no saturation
    // out = luma + amount * (colour - luma), as one 3x3 matrix per pixel.
    const cv::Vec3d weights(0.114, 0.587, 0.299);  // B, G, R luma weights
    cv::Matx33d matrix;
    for (int row = 0; row < 3; ++row)
        for (int col = 0; col < 3; ++col) matrix(row, col) = (1 - amount) * weights[col] + (row == col ? amount : 0.0);
    return kit::colour_matrix(image, matrix);
}

}  // namespace

Filter saturation_filter() {
    return {"saturation",
            "Change colourfulness keeping luma: 0 is grey, 1 unchanged, 2 doubles saturation. Alpha is kept.",
            {kit::number("amount", "saturation multiplier", "1", 0, 10)},
            apply};
}

}  // namespace pixpool::filters
