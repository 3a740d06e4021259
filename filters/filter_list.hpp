#pragma once
/// One function per filter file, each returning that filter's declaration.
/// registry.cpp lists them; nothing registers itself.

#include "pixpool/filters.hpp"

namespace pixpool::filters {

// Blur and noise
Filter gaussian_blur_filter();
Filter box_blur_filter();
Filter median_blur_filter();
Filter sharpen_filter();
// Tone and colour
Filter grayscale_filter();

}  // namespace pixpool::filters
