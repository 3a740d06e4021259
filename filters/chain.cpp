/// Steps and chains: applying validated filters in order and their canonical text.

#include "filter_kit.hpp"

#include <opencv2/core.hpp>

namespace pixpool::filters {

cv::Mat Step::apply(const cv::Mat& image) const {
    if (!filter) throw FilterError("empty step: no filter");
    kit::require_image(image, filter->name);
    try {
        return filter->apply(image, values);
    } catch (const cv::Exception& e) {
        // An OpenCV refusal is reported like any other unusable input, with
        // enough context to tell which step and image type it was.
        throw FilterError(filter->name + ": cannot process this " + kit::describe_type(image) +
                          " image (" + e.err + ")");
    }
}

std::string Step::text() const {
    if (!filter) return {};
    std::string out = filter->name;
    char separator = ':';
    for (const auto& [key, value] : values.items()) {
        out += separator + key + "=" + value;
        separator = ',';
    }
    return out;
}

Chain Chain::parse(const std::vector<std::string>& specs) {
    Chain chain;
    for (const auto& spec : specs) chain.add(parse_step(spec));
    return chain;
}

cv::Mat Chain::apply(const cv::Mat& image) const {
    cv::Mat current = image;
    for (const auto& step : steps_) current = step.apply(current);
    return current;
}

std::string Chain::text() const {
    std::string out;
    for (const auto& step : steps_) out += (out.empty() ? "" : " | ") + step.text();
    return out;
}

const Filter* find(std::string_view name) {
    for (const auto& filter : registry())
        if (filter.name == name) return &filter;
    return nullptr;
}

}  // namespace pixpool::filters
