/// Which shard a file belongs to, and which shard this process is.

#include "shard_key.hpp"

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <optional>

namespace pixpool {

namespace {

/// More shards than this is a typo, not a cluster.
constexpr unsigned kMaxShards = 1000000;

/// FNV-1a, 64 bits: a fixed, documented byte hash (no seed, no platform
/// dependence, unlike std::hash).
std::uint64_t fnv1a_64(const std::string& bytes) {
    std::uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : bytes) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return hash;
}

/// Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm"
/// (2014): a key keeps its bucket when buckets are added, except for the
/// 1/(N+1) that jump to the new one.
unsigned jump_consistent_hash(std::uint64_t key, unsigned buckets) {
    std::int64_t bucket = -1, next = 0;
    while (next < static_cast<std::int64_t>(buckets)) {
        bucket = next;
        key = key * 2862933555777941757ull + 1;
        next = static_cast<std::int64_t>((bucket + 1) * (double(1ll << 31) / double((key >> 33) + 1)));
    }
    return static_cast<unsigned>(bucket);
}

/// A whole decimal number, nothing else (no sign, no spaces, no "0x").
std::optional<unsigned long> whole_number(const std::string& text) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) return {};
    return std::stoul(text);
}

/// The count part of "I/N" or "auto/N".
unsigned count_from(const std::string& text, const std::string& whole_value) {
    auto count = whole_number(text);
    if (!count || *count < 1 || *count > kMaxShards) {
        throw ShardError("--shard " + whole_value + ": the shard count must be a whole number from 1 to " +
                         std::to_string(kMaxShards));
    }
    return static_cast<unsigned>(*count);
}

/// An engine variable as a number, or nothing when unset; set but not a
/// number is an error that names it.
std::optional<unsigned long> number_variable(const EnvLookup& env, const char* name) {
    const char* value = env(name);
    if (value == nullptr) return {};
    auto number = whole_number(value);
    if (!number) throw ShardError(std::string("--shard auto: ") + name + "='" + value + "' is not a whole number");
    return number;
}

std::string assignment(const char* name, unsigned long value) { return std::string(name) + "=" + std::to_string(value); }

/// A Slurm job array task: its index from the first task, and the array's size.
Shard slurm_shard(const EnvLookup& env, std::optional<unsigned> wanted_count) {
    const auto id = number_variable(env, "SLURM_ARRAY_TASK_ID");
    const auto count = number_variable(env, "SLURM_ARRAY_TASK_COUNT");
    const auto min = number_variable(env, "SLURM_ARRAY_TASK_MIN");
    const auto max = number_variable(env, "SLURM_ARRAY_TASK_MAX");
    const unsigned long first = min.value_or(0);
    std::optional<unsigned long> size = count;
    if (min && max) {
        if (*max < *min) {
            throw ShardError("--shard auto: " + assignment("SLURM_ARRAY_TASK_MAX", *max) + " is below " +
                             assignment("SLURM_ARRAY_TASK_MIN", *min));
        }
        const unsigned long span = *max - *min + 1;
        if (count && *count != span) {
            throw ShardError("--shard auto: " + assignment("SLURM_ARRAY_TASK_COUNT", *count) + " but " +
                             assignment("SLURM_ARRAY_TASK_MIN", *min) + ".." + assignment("SLURM_ARRAY_TASK_MAX", *max) +
                             " spans " + std::to_string(span) + " tasks: the array has gaps or a step; submit a "
                             "dense --array=0-N-1 (a % throttle is fine)");
        }
        size = span;
    }
    if (!size && !wanted_count) {
        throw ShardError("--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor "
                         "SLURM_ARRAY_TASK_MIN/MAX is: say the count with --shard auto/N");
    }
    if (size && wanted_count && *size != *wanted_count) {
        throw ShardError("--shard auto/" + std::to_string(*wanted_count) + ": the Slurm array has " +
                         std::to_string(*size) + " tasks (" +
                         (count ? assignment("SLURM_ARRAY_TASK_COUNT", *count)
                                : assignment("SLURM_ARRAY_TASK_MIN", *min) + ", " +
                                      assignment("SLURM_ARRAY_TASK_MAX", *max)) +
                         ")");
    }
    const unsigned long shards = size ? *size : *wanted_count;
    if (*id < first || *id - first >= shards) {
        throw ShardError("--shard auto: " + assignment("SLURM_ARRAY_TASK_ID", *id) + " is outside the array's " +
                         std::to_string(shards) + " tasks from " + std::to_string(first));
    }
    if (shards > kMaxShards) throw ShardError("--shard auto: more than " + std::to_string(kMaxShards) + " tasks");
    return {static_cast<unsigned>(*id - first), static_cast<unsigned>(shards)};
}

/// A Kubernetes Indexed Job pod: JOB_COMPLETION_INDEX, with the count from --shard auto/N.
Shard kubernetes_shard(const EnvLookup& env, std::optional<unsigned> wanted_count) {
    const auto index = number_variable(env, "JOB_COMPLETION_INDEX");
    if (!wanted_count) {
        throw ShardError("--shard auto: JOB_COMPLETION_INDEX is set but Kubernetes does not export the number of "
                         "completions: say it with --shard auto/N (N = the Job's completions)");
    }
    if (*index >= *wanted_count) {
        throw ShardError("--shard auto/" + std::to_string(*wanted_count) + ": " +
                         assignment("JOB_COMPLETION_INDEX", *index) + " is not below the count");
    }
    return {static_cast<unsigned>(*index), *wanted_count};
}

Shard auto_shard(const EnvLookup& env, std::optional<unsigned> wanted_count) {
    const bool slurm = env("SLURM_ARRAY_TASK_ID") != nullptr;
    const bool kubernetes = env("JOB_COMPLETION_INDEX") != nullptr;
    if (slurm && kubernetes) {
        throw ShardError("--shard auto: both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set; say --shard I/N");
    }
    if (slurm) return slurm_shard(env, wanted_count);
    if (kubernetes) return kubernetes_shard(env, wanted_count);
    throw ShardError("--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX "
                     "(a Kubernetes Indexed Job) is set; outside those say --shard I/N");
}

}  // namespace

unsigned shard_of(const std::string& key, unsigned count) {
    if (count <= 1) return 0;
    return jump_consistent_hash(fnv1a_64(key), count);
}

std::string shard_key(const InputFile& input) {
    const std::string name = std::filesystem::path(input.path).filename().string();
    return input.relative_dir.empty() ? name : input.relative_dir + "/" + name;
}

bool in_shard(const InputFile& input, const Shard& shard) {
    return shard.whole() || shard_of(shard_key(input), shard.count) == shard.index;
}

Shard parse_shard(const std::string& text, const EnvLookup& env) {
    const EnvLookup lookup = env ? env : [](const char* name) -> const char* { return std::getenv(name); };
    const auto slash = text.find('/');
    const std::string first = text.substr(0, slash);
    std::optional<unsigned> count;
    if (slash != std::string::npos) count = count_from(text.substr(slash + 1), text);
    if (first == "auto") return auto_shard(lookup, count);
    auto index = whole_number(first);
    if (!count || !index) throw ShardError("--shard " + text + ": expected I/N (0-based, e.g. 0/4), auto or auto/N");
    if (*index >= *count) {
        throw ShardError("--shard " + text + ": the index counts from 0, so it must be below " + std::to_string(*count));
    }
    return {static_cast<unsigned>(*index), *count};
}

}  // namespace pixpool
