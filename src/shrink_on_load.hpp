#pragma once
/// Shrink-on-load, planned from the filter chain: when the chain begins
/// with a resize that makes the image smaller, the codec may decode at a
/// reduced size (JPEG's DCT scaling 1/2, 1/4, 1/8; WebP's scaled decode),
/// never below twice the size the resize ends at, and the chain then
/// finishes with the area resize to exactly the size the full decode would
/// have given (within 40 dB PSNR of it on photos). Private to pixpool_src.

#include "codecs/codecs.hpp"

#include <pixpool/filters.hpp>

namespace pixpool::detail {

/// What the codec may be asked for (DecodeRequest::smallest), or an empty
/// function when the chain does not begin with a downscaling resize with
/// the area (or automatic) interpolation. `upright`: the image will be
/// turned upright from its EXIF orientation before the chain runs.
SmallestSize plan_shrink_on_load(const filters::Chain& chain, bool upright);

/// An image that is ready for the rest of the chain.
struct ChainStart {
    cv::Mat image;
    filters::Chain rest;
};

/// Runs the first resize of `chain` on `decoded`, an image as stored,
/// shrunk on load to `scale` (decoded pixels per stored pixel, along x and
/// y) of its size `stored`, then turns it upright from `orientation` (1:
/// leave it): an area resize to exactly the size, and the crop, that the
/// resize gives the full upright image, over exactly the part of the
/// picture each output pixel covers there. Resizing before turning keeps a
/// last, partial decoded column or row at the end, where the factors expect
/// it. Returns that and the steps after the resize; when nothing was
/// shrunk, `decoded` turned upright and the whole chain.
ChainStart finish_shrink_on_load(const filters::Chain& chain, const cv::Mat& decoded, cv::Size stored,
                                 cv::Vec2d scale, int orientation);

}  // namespace pixpool::detail
