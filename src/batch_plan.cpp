#include "batch_plan.hpp"

#include "inputs.hpp"
#include "output_naming.hpp"
#include "shard_key.hpp"

#include <filesystem>
#include <map>

namespace fs = std::filesystem;

namespace pixpool::detail {

BatchPlan plan_batch(const BatchOptions& options, const std::string& filter_label, const std::string& recipe,
                     const Journal* journal) {
    InputOptions input = options.input;
    if (!options.in_place && !options.out_dir.empty()) input.exclude.push_back(options.out_dir);
    const std::string out_dir = options.in_place ? "" : options.out_dir;

    BatchPlan plan;
    plan.shard_files.assign(options.shard.count, 0);
    std::map<std::string, std::string> owner_of_output;
    // Outputs and clashes are decided over the whole batch, so that two inputs
    // that would write one output are refused even when they fall in two shards.
    for (const InputFile& in : collect_inputs(input)) {
        const unsigned shard = shard_of(shard_key(in), options.shard.count);
        const bool mine = shard == options.shard.index;
        ++plan.shard_files[shard];
        FileReport file;
        file.input = in.path;
        file.output = output_path_for(in, out_dir, options.output, options.name_template, filter_label);
        std::error_code ec;
        const std::string key = fs::weakly_canonical(file.output, ec).string();
        if (!options.in_place && fs::equivalent(in.path, file.output, ec)) {
            file.status = Status::Failed;
            file.error = in.path + ": output would overwrite the input; choose another -o folder, a --prefix, "
                                   "or say --in-place";
        } else if (auto [it, fresh] = owner_of_output.emplace(key, in.path); !fresh) {
            file.status = Status::Failed;
            file.error = in.path + ": output " + file.output + " would also be written by " + it->second +
                         "; use --name with {dir} or a --prefix";
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
