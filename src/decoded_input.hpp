#pragma once
/// One input decoded for the image job: the pixels turned upright (and,
/// with shrink-on-load, already through the chain's first resize), the
/// steps left to run, and the ICC profile when the codec found it, so Exiv2
/// is not asked for it again. Private to pixpool_src.

#include "input_file.hpp"

#include <pixpool/filters.hpp>
#include <pixpool/image_job.hpp>

#include <string>
#include <vector>

namespace pixpool::detail {

struct DecodedInput {
    cv::Mat image;           ///< upright (unless auto_orient is off)
    filters::Chain rest;     ///< what of the chain is still to run on `image`
    std::string icc;         ///< the ICC profile, when `icc_known`
    bool icc_known = false;  ///< the codec looked: Exiv2 need not be asked for it
    int jpeg_quality = 0;    ///< a JPEG input's estimated quality; 0: not a JPEG
    /// decode_input_planes: the JPEG's Y, Cb, Cr as stored (`image` empty)
    std::vector<cv::Mat> planes;
};

/// Decodes `input` per `options` for `chain` (null: no chain; the image at
/// full size), shrinking on load when options.shrink_on_load and the chain
/// allow it. Warnings go to `warnings` (one per line), or fail the file with
/// options.fail_on_warning. Throws ImageError naming the file, as
/// pixpool::read_image documents.
DecodedInput decode_input(const InputBytes& input, const ReadOptions& options, const filters::Chain* chain,
                          std::string* warnings);

/// For a chain that runs on planes (runs_on_planes): decodes a 4:2:0 YCbCr
/// JPEG into out.planes, checked and warned about as decode_input does.
/// Returns false, having decoded no pixels, for any other input and, with
/// options.auto_orient, for a JPEG whose EXIF orientation would turn it;
/// decode_input then takes it.
bool decode_input_planes(const InputBytes& input, const ReadOptions& options, DecodedInput& out,
                         std::string* warnings);

/// Whether `chain` may run on a JPEG's YCbCr planes for an output at
/// `output_path`: options.filter_ycbcr, a JPEG output, and every step a
/// filter with Filter::on_plane (none at all: a re-encode).
bool runs_on_planes(const filters::Chain& chain, const std::string& output_path, const ReadOptions& options);

}  // namespace pixpool::detail
