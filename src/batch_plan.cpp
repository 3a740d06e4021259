#include "batch_plan.hpp"

#include "inputs.hpp"
#include "output_naming.hpp"
#include "shard_key.hpp"
#include "working_folder.hpp"

#include <filesystem>
#include <map>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pixpool::detail {

namespace {

/// -o naming an input folder: the walk leaves the output folder out, so
/// nothing would be read and the run would say "0 files".
void refuse_output_folder_that_is_an_input(const BatchOptions& options) {
    if (options.in_place || options.out_dir.empty()) return;
    for (const std::string& path : options.input.paths) {
        std::error_code ec;
        if (fs::is_directory(path, ec) && fs::equivalent(path, options.out_dir, ec)) {
            throw std::invalid_argument("-o " + options.out_dir + " is the input folder " + path +
                                        ": choose another output folder, or --in-place with --prefix or --name "
                                        "to write beside the inputs");
        }
    }
}

/// The option that decides where outputs go, for the message.
std::string naming_options(const BatchOptions& options) {
    std::string named;
    if (!options.name_template.empty()) named = "--name '" + options.name_template + "'";
    if (!options.output.prefix.empty())
        named += (named.empty() ? "" : " with ") + std::string("--prefix '") + options.output.prefix + "'";
    return named.empty() ? "the output path" : named;
}

/// Where a file really is: its folder with symlinks resolved, and its name.
/// Each folder is resolved once per batch, not once per file (the batch's
/// files share few folders), so planning costs system calls per folder.
/// The file's own name is not resolved: outputs are replaced by rename,
/// which replaces a symlink and never writes through it.
class RealPaths {
public:
    std::string operator()(const std::string& path) {
        const fs::path absolute = absolute_key(path);
        auto [it, fresh] = folders_.try_emplace(absolute.parent_path().string());
        if (fresh) {
            std::error_code ec;
            it->second = fs::weakly_canonical(absolute.parent_path(), ec).string();
            if (ec) it->second = absolute.parent_path().string();
        }
        return (fs::path(it->second) / absolute.filename()).string();
    }

private:
    std::map<std::string, std::string> folders_;
};

/// A --name template that tells `a` and `b` apart, or what else would.
std::string collision_hint(const std::string& a, const std::string& b) {
    if (fs::path(a).extension() != fs::path(b).extension()) {
        return "keep the input's extension in the name: --name '{stem}.{inext}.{ext}'";
    }
    if (fs::path(a).stem() != fs::path(b).stem()) return "keep the stem in the name: --name '{stem}.{ext}'";
    return "they have the same name in different folders: name their common folder as the input "
           "instead (its tree is mirrored under -o)";
}

}  // namespace

BatchPlan plan_batch(const BatchOptions& options, const std::string& filter_label, const std::string& recipe,
                     const Journal* journal) {
    refuse_output_folder_that_is_an_input(options);
    // Without {dir} a name gets the input's folder put in front, so an
    // absolute one would land in a copy of its path below the output folder.
    if (!options.name_template.empty() && options.name_template.front() == '/')
        throw std::invalid_argument("--name '" + options.name_template +
                                    "' is an absolute path; outputs go below the output folder (-o): give a name "
                                    "relative to it");
    InputOptions input = options.input;
    if (!options.in_place && !options.out_dir.empty()) input.exclude.push_back(options.out_dir);
    const std::string out_dir = options.in_place ? "" : options.out_dir;

    BatchPlan plan;
    plan.shard_files.assign(options.shard.count, 0);
    std::map<std::string, std::string> owner_of_output;
    RealPaths real_path;
    // Outputs and clashes are decided over the whole batch, so that two inputs
    // that would write one output are refused even when they fall in two shards.
    std::vector<InputFile> unsupported;
    const std::vector<InputFile> inputs = collect_inputs(input, &unsupported);
    for (const InputFile& in : unsupported) {
        if (shard_of(shard_key(in), options.shard.count) == options.shard.index) plan.unsupported.push_back({in.path, unsupported_reason(in.path)});
    }
    for (const InputFile& in : inputs) {
        const unsigned shard = shard_of(shard_key(in), options.shard.count);
        const bool mine = shard == options.shard.index;
        ++plan.shard_files[shard];
        FileReport file;
        file.input = in.path;
        file.output = output_path_for(in, out_dir, options.output, options.name_template, filter_label);
        const std::string folder = options.in_place ? fs::path(in.path).parent_path().string() : out_dir;
        if (const std::string outside = outside_folder(file.output, folder); !outside.empty()) {
            throw std::invalid_argument(naming_options(options) + " puts the output of " + in.path + " at " + outside +
                                        ", outside " + (options.in_place ? "its folder" : "the output folder " + out_dir) +
                                        "; nothing was done");
        }
        const std::string key = real_path(file.output);
        std::error_code ec;
        const std::string input_key = in.symlink ? fs::weakly_canonical(in.path, ec).string() : real_path(in.path);
        if (!options.in_place && key == input_key) {
            file.status = Status::Failed;
            file.error = in.path + ": output would overwrite the input; choose another -o folder, a --prefix, "
                                   "or say --in-place";
        } else if (auto [it, fresh] = owner_of_output.emplace(key, in.path); !fresh) {
            file.status = Status::Failed;
            file.error = in.path + ": output " + file.output + " would also be written by " + it->second +
                         "; " + collision_hint(in.path, it->second);
        } else if (!mine) {
            continue;
        } else if (journal && journal->up_to_date(in.path, file.output, recipe)) {
            file.status = Status::Ok;
            file.skipped = true;
        }
        if (mine) plan.files.push_back(std::move(file));
    }
    return plan;
}

}  // namespace pixpool::detail
