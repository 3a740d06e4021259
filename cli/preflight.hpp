#pragma once
/// Checks made once the batch is planned and before any image is read: a
/// batch with no inputs, and an output folder that cannot be written, are
/// usage errors (exit 2) with the reason, not 0 files done or N failures
/// found one decoded image at a time.

#include "batch_options.hpp"

namespace pixpool::cli {

/// "no inputs: photos holds only subfolders: add -r to descend into them",
/// naming what each input lacked.
std::string no_inputs_message(const BatchFlags& flags);

/// Throws UsageError for an input that does not exist and is a filter
/// spec: `-f invert sharpen` gave `sharpen` as an input, as each option
/// takes one value.
void check_no_filter_as_input(const BatchFlags& flags);

/// Creates the output folder and a file in it (removed at once); throws
/// UsageError naming the folder and the reason when that fails.
void check_output_folder_writable(const std::string& out_dir);

}  // namespace pixpool::cli
