#pragma once
/// The journals in an output folder, one per shard of a batch: finding
/// them, and refusing to mix shards of two different splits.

#include "journal.hpp"

#include <string>
#include <vector>

namespace pixpool::detail {

struct JournalFile {
    std::string path;
    Shard shard;
};

/// Every journal in `out_dir` (the whole batch's and each shard's), by file name.
std::vector<JournalFile> journals_in(const std::string& out_dir);

/// A run split N ways next to journals of a split M != N would leave two
/// overlapping records of one folder: throws std::runtime_error naming them,
/// unless `overwrite`, where those journals are removed (this run redoes
/// every output anyway) unless `dry_run`.
void refuse_other_splits(const std::string& out_dir, const Shard& shard, bool overwrite, bool dry_run);

}  // namespace pixpool::detail
