#pragma once
/// Private helpers shared by the filter files: short builders for the
/// parameter table and the image plumbing every filter needs (alpha, depth,
/// channel checks), so that each filter file holds only its own idea.

#include "pixpool/filters.hpp"

#include <functional>
#include <string>
#include <vector>

namespace pixpool::filters::kit {

// ---- parameter table builders -------------------------------------------
/// An empty default makes the parameter optional with no value.
Param number(std::string name, std::string help, std::string default_value, double min, double max);
Param integer(std::string name, std::string help, std::string default_value, double min, double max);
Param boolean(std::string name, std::string help, std::string default_value);
Param choice(std::string name, std::string help, std::string default_value,
             std::vector<std::string> choices);

/// Shortest text that reads back as the same double ("3", "0.5", "1e-05").
std::string format_number(double value);

/// Throws FilterError "<filter>: <what>".
[[noreturn]] void fail(const std::string& filter, const std::string& what);

/// Parse-time check that an integer parameter, when present, is odd.
void require_odd(const std::string& filter, const Values& values, const char* name);

// ---- images ---------------------------------------------------------------
/// Throws unless the image is non-empty, 8- or 16-bit, with 1, 3 or 4 channels.
void require_image(const cv::Mat& image, const std::string& filter);

/// "8-bit 3-channel" and the like, for error messages.
std::string describe_type(const cv::Mat& image);

/// 255 for 8-bit, 65535 for 16-bit, 1 for float.
double full_scale(int depth);

using ImageOp = std::function<cv::Mat(const cv::Mat&)>;

/// Runs a linear, colour-mixing operation (blur, resize, warp) so that
/// transparent pixels do not bleed their colour into visible ones: a BGRA
/// image is premultiplied in float, `op` runs on CV_32FC4, the result is
/// un-premultiplied and converted back. Images without alpha go to `op` as is.
cv::Mat premultiplied(const cv::Mat& image, const ImageOp& op);

/// Runs `op` on the colour channels only (1 or 3 channels, same depth) and
/// puts the alpha channel back unchanged. `op` must keep the size.
cv::Mat on_colour(const cv::Mat& image, const ImageOp& op);

/// Maps every colour value through curve(v) with v and the result in [0, 1]
/// (a lookup table for 8- and 16-bit); alpha is kept.
cv::Mat apply_curve(const cv::Mat& image, const std::function<double(double)>& curve);

/// Each BGR pixel multiplied by a 3x3 matrix (rows: out B, G, R), alpha kept.
cv::Mat colour_matrix(const cv::Mat& image, const cv::Matx33d& matrix);

/// Counts of every colour value (alpha excluded): 256 bins for 8-bit, 65536 for 16-bit.
std::vector<double> histogram(const cv::Mat& image);

/// One-channel luma of the colour channels, same depth (a 1-channel image is returned as is).
cv::Mat luma(const cv::Mat& image);

/// A 1-channel result given back with the input's alpha: BGRA in, the grey
/// value replicated into B, G, R with the original alpha; otherwise as is.
cv::Mat with_alpha_of(const cv::Mat& source, const cv::Mat& gray);

// ---- parameters shared by several filters ----------------------------------
/// "fill": the colour of new pixels (rotate, pad).
Param fill_param();
/// The fill colour in the image's own scale; "transparent" on an image without
/// alpha is black.
cv::Scalar fill_colour(const std::string& fill, const cv::Mat& image);
/// The fill colour for kit::premultiplied's CV_32FC4 working image.
cv::Scalar premultiplied_fill(const std::string& fill);

/// "interpolation": nearest, linear, cubic, area, lanczos (and auto when allow_auto).
Param interpolation_param(const std::string& default_value, bool allow_auto);
int interpolation_flag(const std::string& interpolation);

}  // namespace pixpool::filters::kit
