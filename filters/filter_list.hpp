#pragma once
/// One function per filter file, each returning that filter's declaration.
/// registry.cpp lists them; nothing registers itself.

#include "pixpool/filters.hpp"

namespace pixpool::filters {

// Blur and noise
Filter gaussian_blur_filter();
Filter box_blur_filter();
Filter median_blur_filter();
Filter bilateral_filter();
Filter motion_blur_filter();
Filter pixelate_filter();
Filter denoise_filter();
// Sharpness and edges
Filter sharpen_filter();
Filter canny_filter();
Filter sobel_filter();
Filter laplacian_filter();
Filter emboss_filter();
// Geometry
Filter resize_filter();
Filter crop_filter();
Filter rotate_filter();
Filter flip_filter();
Filter auto_orient_filter();
Filter pad_filter();
// Tone and colour
Filter grayscale_filter();
Filter brightness_contrast_filter();
Filter gamma_filter();
Filter invert_filter();
Filter sepia_filter();
Filter equalize_filter();
Filter threshold_filter();
Filter saturation_filter();
Filter normalize_filter();

}  // namespace pixpool::filters
