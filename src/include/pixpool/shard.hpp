#pragma once
/// Splitting one batch over several machines (a Slurm job array, a
/// Kubernetes Indexed Job, GNU parallel --sshlogin): every shard builds the
/// same sorted input list and keeps the files that hash to its bucket, so
/// the shards are disjoint, together they are the whole batch, and no
/// coordination is needed between them.
///
/// The hash is of the path relative to the file's input root (the folder or
/// glob it was found in; a listed file's name), not of the path as spelled, so a
/// batch mounted at /mnt/photos on one node and /scratch/photos on another
/// splits the same way. Its bucket depends on that one path and on N only:
/// adding files to the folder never moves another file to another shard.

#include <functional>
#include <stdexcept>
#include <string>

namespace pixpool {

/// Shard `index` of `count` (0-based). count 1 is the whole batch.
struct Shard {
    unsigned index = 0;
    unsigned count = 1;

    bool whole() const { return count == 1; }
    /// "2/4", as --shard takes it.
    std::string label() const { return std::to_string(index) + "/" + std::to_string(count); }
    bool operator==(const Shard& other) const { return index == other.index && count == other.count; }
};

/// A --shard value that cannot be used, or an engine variable that is
/// missing or contradicts another: the message names it.
class ShardError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// The bucket in [0, count) of a file whose path relative to its input root
/// is `key`: FNV-1a 64 of the key's bytes, then Lamping and Veach's jump
/// consistent hash (2014). Both are fixed integer arithmetic (the jump
/// hash's one division is an IEEE double, exact on every platform), so the
/// same key gives the same shard on every run and machine; going from N to
/// N+1 shards moves only about 1/(N+1) of the files.
unsigned shard_of(const std::string& key, unsigned count);

/// Reads the environment; replaceable in tests.
using EnvLookup = std::function<const char*(const char* name)>;

/// --shard: "I/N"; "auto" from a Slurm job array (SLURM_ARRAY_TASK_ID and
/// SLURM_ARRAY_TASK_COUNT, or SLURM_ARRAY_TASK_MIN/MAX); "auto/N" also from
/// a Kubernetes Indexed Job (JOB_COMPLETION_INDEX; Kubernetes does not
/// export the count). Throws ShardError naming the value or the variable
/// that is missing, not a number, out of range, or contradicts another.
Shard parse_shard(const std::string& text, const EnvLookup& env = nullptr);

}  // namespace pixpool
