#pragma once
/// Where each input's output goes (private: the batch plans with it).

#include "inputs.hpp"

#include <string>

namespace pixpool {

/// Where `input`'s output goes. `out_dir` empty means beside the input (in
/// place). `name_template` may use {stem}, {ext} (the output's), {inext}
/// (the input's), {dir} (the subfolder below the input folder; empty for a
/// file named directly) and {filter}; empty
/// means "{dir}/{stem}.{ext}" (the tree mirrored, the name kept). The output
/// extension is `output.format` when set, else the input's; `output.prefix`
/// is put in front of the file name.
std::string output_path_for(const InputFile& input, const std::string& out_dir, const OutputOptions& output,
                            const std::string& name_template = "", const std::string& filter = "");

/// Where an output lands relative to the folder it must stay in (`folder`,
/// the output folder, or in place the input's folder), after
/// normalisation: "" when inside, else the normalised path outside, for
/// the message. A template with "..", an absolute --name or --prefix
/// would otherwise write anywhere the user may write.
std::string outside_folder(const std::string& output, const std::string& folder);

}  // namespace pixpool
