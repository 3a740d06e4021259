#pragma once
/// `pixpool video`: the command. Its options are in the option table (kVideo).

#include "batch_options.hpp"

namespace pixpool::cli {

/// Returns the exit status: 0 every frame written, 1 some frames failed or
/// the input could not be read, 2 usage errors (thrown as UsageError), 130 interrupted.
int video_command(const BatchFlags& flags);

}  // namespace pixpool::cli
