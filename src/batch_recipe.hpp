#pragma once
/// The JSON forms of a batch's options: the recipe (how the pixels and files
/// are made: filters, read and output options), which the resume journal
/// records so that a rerun with other settings redoes the work, and the
/// configuration a spawned worker starts from, where nothing is inherited.
/// Every field of OutputOptions, ReadOptions and LogConfig is in them: a
/// field left out of the JSON lists does not compile (batch_recipe.cpp).

#include <pixpool/batch.hpp>

#include <string>
#include <vector>

namespace pixpool::detail {

/// The journal's recipe of a batch whose chain reads `filters`.
std::string recipe_text(const BatchOptions& options, const std::vector<std::string>& filters);

/// What a spawned worker is told: the recipe and the log configuration.
struct WorkerConfig {
    std::vector<std::string> filters;
    OutputOptions output;
    ReadOptions read;
    LogConfig log;
};

std::string encode_worker_config(const BatchOptions& options);
/// Throws nlohmann::json's exceptions on bytes that encode_worker_config did not write.
WorkerConfig decode_worker_config(const std::string& bytes);

}  // namespace pixpool::detail
