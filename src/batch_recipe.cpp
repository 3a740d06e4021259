#include "batch_recipe.hpp"

#include "field_count.hpp"

#include <nlohmann/json.hpp>

namespace pixpool {

/// NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE that refuses to compile when `Type`
/// has a field the list lacks: such a field would silently take its default
/// in spawned workers and drop out of the resume recipe.
#define PIXPOOL_JSON_OF_EVERY_FIELD(Type, ...)                                                  \
    NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Type, __VA_ARGS__)                                       \
    static_assert(detail::field_count<Type>() == detail::count_names(#__VA_ARGS__),            \
                  #Type " has a field that is not in its JSON list (batch_recipe.cpp)");

PIXPOOL_JSON_OF_EVERY_FIELD(OutputOptions, format, quality, prefix, progressive, png_compression, webp_lossless,
                            tiff_compression, keep_metadata, match_input_quality)
PIXPOOL_JSON_OF_EVERY_FIELD(ReadOptions, max_pixels, fail_on_warning, auto_orient, shrink_on_load, filter_ycbcr)
PIXPOOL_JSON_OF_EVERY_FIELD(LogConfig, level, pattern, file_template)

#undef PIXPOOL_JSON_OF_EVERY_FIELD

namespace detail {

namespace {

/// Options are the user's bytes and may not be UTF-8 (a --prefix of
/// Latin-1): dump() would throw. Replaced bytes change nothing here: the
/// master alone uses the prefix, and a filter spec with such bytes is no
/// filter anyway.
constexpr auto kReplaceBadUtf8 = nlohmann::json::error_handler_t::replace;

nlohmann::json recipe_json(const BatchOptions& options, const std::vector<std::string>& filters) {
    return {
        {"filters", filters},
        {"output", options.output},
        {"read", options.read},
    };
}

}  // namespace

std::string recipe_text(const BatchOptions& options, const std::vector<std::string>& filters) {
    return recipe_json(options, filters).dump(-1, ' ', false, kReplaceBadUtf8);
}

std::string encode_worker_config(const BatchOptions& options) {
    nlohmann::json config = recipe_json(options, options.filter_specs);
    config["log"] = options.log;
    return config.dump(-1, ' ', false, kReplaceBadUtf8);
}

WorkerConfig decode_worker_config(const std::string& bytes) {
    const nlohmann::json config = nlohmann::json::parse(bytes);
    WorkerConfig worker;
    worker.filters = config.at("filters").get<std::vector<std::string>>();
    worker.output = config.at("output").get<OutputOptions>();
    worker.read = config.at("read").get<ReadOptions>();
    worker.log = config.at("log").get<LogConfig>();
    return worker;
}

}  // namespace detail
}  // namespace pixpool
