#pragma once
/// pixpool filters: image operations on cv::Mat, each declared exactly once.
///
/// A filter is one small file in filters/ that fills in a `Filter`: its name,
/// a one-line help, a table of typed parameters (default, range or choices)
/// and the function that does the work. The CLI's help, `pixpool filters`,
/// parameter validation and the library calls below all read that one
/// declaration; nothing describes a filter twice. Adding a filter is one new
/// file plus one line in registry.cpp.
///
/// This module knows nothing of processes, files or logging.
///
///   auto chain = pixpool::filters::Chain::parse({"gaussian_blur:sigma=3", "grayscale"});
///   cv::Mat out = chain.apply(image);
///
///   cv::Mat blurred = pixpool::filters::make_step("gaussian_blur", {{"sigma", "2.5"}}).apply(image);

#include <opencv2/core.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pixpool::filters {

/// A problem the user can fix: an unknown filter, a bad parameter, an image
/// type a filter cannot take. The message is complete and is shown as is,
/// e.g. "gaussian_blur: sigma must be a number in [0.1, 500], got 'abc'".
class FilterError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class ParamType { Integer, Number, Boolean, Choice };

/// One typed parameter of a filter.
struct Param {
    std::string name;
    std::string help;
    ParamType type = ParamType::Number;
    std::string default_value;         ///< as text; empty means "optional, no default"
    double min = 0;                    ///< Integer and Number: inclusive range
    double max = 0;
    std::vector<std::string> choices;  ///< Choice only
};

/// Validated parameter values of one step, by name.
class Values {
public:
    bool has(std::string_view name) const;           ///< given, or has a default
    double number(std::string_view name) const;
    int integer(std::string_view name) const;
    bool boolean(std::string_view name) const;
    const std::string& choice(std::string_view name) const;

    void set(std::string name, std::string text);    ///< used by parsing; no validation
    const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

private:
    const std::string* find(std::string_view name) const;
    std::vector<std::pair<std::string, std::string>> items_;
};

using FilterFunction = cv::Mat (*)(const cv::Mat& image, const Values& values);
/// Rules that tie parameters together (e.g. "ksize must be odd", "give width
/// or height"); runs at parse time so a bad chain fails before any image is read.
using CheckFunction = void (*)(const std::string& filter, const Values& values);

/// The size `apply` gives an image of size `input`.
using SizeFunction = cv::Size (*)(cv::Size input, const Values& values);

/// `apply` on one plane of an image stored at 1/`step` of its size each way.
using PlaneFunction = cv::Mat (*)(const cv::Mat& plane, int step, const Values& values);

/// The one declaration of a filter.
struct Filter {
    std::string name;
    std::string help;
    std::vector<Param> params;
    FilterFunction apply = nullptr;
    CheckFunction check = nullptr;     ///< optional; throws FilterError
    /// For filters that change the size (pad, resize, rotate): what it will
    /// be, before any pixel is allocated, so a caller can hold the result to
    /// a pixel limit. nullptr: the output has the input's size or less.
    SizeFunction output_size = nullptr;
    /// For a filter that treats every channel alike and commutes with any
    /// affine colour transform (a blur: linear, with weights summing to 1):
    /// the same filter on one 8-bit plane sampled every `step` pixels (a
    /// JPEG's Cb and Cr are stored at step 2), so a JPEG can be filtered in
    /// its own YCbCr planes. nullptr: the filter needs the BGR image.
    PlaneFunction on_plane = nullptr;
};

/// Every filter, in the order `pixpool filters` lists them.
const std::vector<Filter>& registry();

/// The filter of that name, or nullptr.
const Filter* find(std::string_view name);

/// One filter with validated values: a link of a chain.
struct Step {
    const Filter* filter = nullptr;
    Values values;

    cv::Mat apply(const cv::Mat& image) const;
    /// Canonical text, e.g. "gaussian_blur:sigma=3". Two steps with the same
    /// text do the same work (used to decide whether an output is up to date).
    std::string text() const;
};

/// Parses "NAME[:key=value[,key=value...]]"; throws FilterError naming the
/// filter, the parameter and the allowed range or choices.
Step parse_step(std::string_view spec);

/// Builds a step from a name and textual arguments, validated as parse_step does.
Step make_step(std::string_view name,
               const std::vector<std::pair<std::string, std::string>>& args = {});

/// Filters applied in order.
class Chain {
public:
    static Chain parse(const std::vector<std::string>& specs);  ///< throws FilterError

    void add(Step step) { steps_.push_back(std::move(step)); }
    /// Applies every step in order. An empty chain returns the image unchanged.
    /// Throws FilterError when a filter cannot take the image (type, channels).
    cv::Mat apply(const cv::Mat& image) const;
    /// Canonical text of the whole chain, steps joined by " | ".
    std::string text() const;
    bool empty() const { return steps_.empty(); }
    const std::vector<Step>& steps() const { return steps_; }

private:
    std::vector<Step> steps_;
};

/// What a `resize` step does to an image of `input` size: the size it
/// scales to, and the part of that it keeps (all of it, except with
/// fit=cover). Lets a reader decode no more than the chain needs
/// (shrink-on-load) and still end at exactly the size resize gives.
struct ResizeGeometry {
    cv::Size scaled;
    cv::Rect kept;
};
ResizeGeometry resize_geometry(const Values& values, cv::Size input);

/// Human-readable listing of every filter with its parameters, defaults,
/// ranges and help, for `pixpool filters`.
std::string describe_filters();
/// The same for one filter (`pixpool filters NAME`).
std::string describe_filter(const Filter& filter);

}  // namespace pixpool::filters
