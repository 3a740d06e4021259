#pragma once
/// What a batch hashes to choose a file's shard (private: the plan uses it).

#include "inputs.hpp"

#include <pixpool/shard.hpp>

#include <string>

namespace pixpool {

/// "a/b/x.jpg" for photos/a/b/x.jpg found in photos/; the file name for a
/// file named directly or listed.
std::string shard_key(const InputFile& input);

/// True when `input` belongs to `shard`.
bool in_shard(const InputFile& input, const Shard& shard);

}  // namespace pixpool
