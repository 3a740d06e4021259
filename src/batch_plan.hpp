#pragma once
/// Planning a batch in the master, before any work: which files, where each
/// output goes, which outputs clash or would overwrite an input, and which
/// are already up to date according to the journal.

#include <pixpool/batch.hpp>

#include "journal.hpp"

namespace pixpool::detail {

struct BatchPlan {
    std::vector<FileReport> files;         ///< this shard's, in input order
    std::vector<std::size_t> shard_files;  ///< how many files each shard of the batch has
    std::vector<UnsupportedFile> unsupported;  ///< this shard's files of formats pixpool does not read
};

/// One FileReport per input of options.shard, in input order. Files the
/// master can already judge come out Failed (clashes, overwriting an input)
/// or skipped. `journal` may be null (in place, or --overwrite).
BatchPlan plan_batch(const BatchOptions& options, const std::string& filter_label, const std::string& recipe,
                     const Journal* journal);

}  // namespace pixpool::detail
