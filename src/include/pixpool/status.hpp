#pragma once
/// How far a batch has got, from the journals in its output folder alone:
/// what `pixpool status OUT` prints while shards run on other machines,
/// after a kill, or at the end.

#include <pixpool/shard.hpp>

#include <string>
#include <utility>
#include <vector>

namespace pixpool {

struct ShardStatus {
    Shard shard;
    bool started = false;  ///< its journal holds a plan; else `files` comes from another shard's plan
    std::size_t files = 0, done = 0, failed = 0, missing = 0;
    std::vector<std::pair<std::string, std::string>> failures;  ///< input, error
};

struct BatchStatus {
    std::vector<ShardStatus> shards;  ///< one per shard 0..N-1; one for an unsplit batch
    std::size_t files = 0, done = 0, failed = 0, missing = 0;
    /// The shards did not see the same input list (files added or removed between their starts).
    bool lists_differ = false;

    bool all_done() const { return files > 0 && done == files && !lists_differ; }
};

/// Reads every journal in `out_dir`. An input is done when its last record
/// says written and the output is still there, failed when its last record
/// is an error, missing otherwise (not reached yet, interrupted, or the
/// output deleted). Throws std::runtime_error when the folder holds no
/// journal with a plan, or journals of two different splits.
BatchStatus batch_status(const std::string& out_dir);

/// "shard 1/4: 250 files: 248 done, 2 failed, 0 missing", the failures with
/// their errors, and an "all:" line.
std::string describe(const BatchStatus& status);

}  // namespace pixpool
