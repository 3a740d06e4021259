/// The list of filters, in the order `pixpool filters` shows them.
/// Adding a filter: one file defining <name>_filter(), its declaration in
/// filter_list.hpp, and one line here.

#include "filter_list.hpp"

namespace pixpool::filters {

const std::vector<Filter>& registry() {
    // Built on first use (thread-safe static); never changes afterwards.
    static const std::vector<Filter> filters = {
        gaussian_blur_filter(),
        box_blur_filter(),
        median_blur_filter(),
        bilateral_filter(),
        motion_blur_filter(),
        pixelate_filter(),
        denoise_filter(),
        sharpen_filter(),
        canny_filter(),
        sobel_filter(),
        laplacian_filter(),
        emboss_filter(),
        resize_filter(),
        crop_filter(),
        rotate_filter(),
        flip_filter(),
        auto_orient_filter(),
        pad_filter(),
        grayscale_filter(),
        brightness_contrast_filter(),
        gamma_filter(),
        invert_filter(),
        sepia_filter(),
        equalize_filter(),
        threshold_filter(),
        saturation_filter(),
        normalize_filter(),
    };
    return filters;
}

}  // namespace pixpool::filters
