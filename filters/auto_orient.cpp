/// auto_orient: turns an image stored sideways upright, from its EXIF
/// Orientation value. This module reads no files: the file layer passes the
/// tag as the `orientation` parameter.

#include "filter_kit.hpp"
#include "filter_list.hpp"

namespace pixpool::filters {
namespace {

cv::Mat apply(const cv::Mat& image, const Values& values) {
    cv::Mat out;
    switch (values.integer("orientation")) {
        case 2: cv::flip(image, out, 1); break;
        case 3: cv::rotate(image, out, cv::ROTATE_180); break;
        case 4: cv::flip(image, out, 0); break;
        case 5: cv::transpose(image, out); break;
        case 6: cv::rotate(image, out, cv::ROTATE_90_CLOCKWISE); break;
        case 7:
            cv::transpose(image, out);
            cv::flip(out, out, -1);
            break;
        case 8: cv::rotate(image, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
        default: out = image.clone();
    }
    return out;
}

}  // namespace

Filter auto_orient_filter() {
    return {"auto_orient",
            "Undo the EXIF orientation: the file layer supplies the tag's value as orientation "
            "(1 = upright, nothing to do). Exact, no resampling.",
            {kit::integer("orientation",
                          "EXIF Orientation 1-8: 2 mirrored, 3 upside down, 4 mirrored vertically, "
                          "5 transposed, 6 needs 90 clockwise, 7 transversed, 8 needs 90 counter-clockwise",
                          "1", 1, 8)},
            apply};
}

}  // namespace pixpool::filters
