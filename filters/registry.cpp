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
        sharpen_filter(),
        grayscale_filter(),
    };
    return filters;
}

}  // namespace pixpool::filters
