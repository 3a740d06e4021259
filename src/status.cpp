/// `pixpool status`: counting done, failed and missing from the journals.

#include <pixpool/status.hpp>

#include "journal_files.hpp"

#include <filesystem>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pixpool {

namespace {

/// Where an output recorded as `output` is now: the folder may be mounted
/// elsewhere on this machine than on the one that wrote the journal.
fs::path output_now(const std::string& output, const detail::JournalPlan& plan, const std::string& out_dir) {
    fs::path relative = fs::path(output).lexically_relative(plan.out_dir);
    if (relative.empty() || *relative.begin() == "..") return output;
    return fs::path(out_dir) / relative;
}

/// One shard's counts from its journal.
ShardStatus shard_status(const detail::Journal& journal, const std::string& out_dir) {
    const detail::JournalPlan& plan = *journal.plan();
    ShardStatus status;
    status.shard = plan.shard;
    status.started = true;
    status.files = plan.inputs.size();
    for (std::size_t i = 0; i < plan.inputs.size(); ++i) {
        auto it = journal.last_outcomes().find(plan.inputs[i]);
        std::error_code ec;
        if (it == journal.last_outcomes().end() || it->second.output != plan.outputs[i]) {
            ++status.missing;
        } else if (!it->second.error.empty()) {
            ++status.failed;
            status.failures.emplace_back(plan.inputs[i], it->second.error);
        } else if (fs::is_regular_file(output_now(plan.outputs[i], plan, out_dir), ec)) {
            ++status.done;
        } else {
            ++status.missing;  // written once, since deleted: a rerun makes it again
        }
    }
    return status;
}

}  // namespace

BatchStatus batch_status(const std::string& out_dir) {
    std::vector<std::unique_ptr<detail::Journal>> journals;
    for (const detail::JournalFile& file : detail::journals_in(out_dir)) {
        auto journal = std::make_unique<detail::Journal>(out_dir, file.shard);
        if (journal->plan()) journals.push_back(std::move(journal));
    }
    if (journals.empty()) {
        throw std::runtime_error(out_dir + ": no pixpool journal with a plan here (is it the -o folder of a run?)");
    }
    const unsigned count = journals.front()->plan()->shard.count;
    const std::vector<std::size_t> shard_files = journals.front()->plan()->shard_files;
    BatchStatus status;
    status.shards.resize(count);
    for (unsigned i = 0; i < count; ++i) {
        status.shards[i].shard = {i, count};
        if (i < shard_files.size()) status.shards[i].files = status.shards[i].missing = shard_files[i];
    }
    for (const auto& journal : journals) {
        const detail::JournalPlan& plan = *journal->plan();
        if (plan.shard.count != count) {
            throw std::runtime_error(out_dir + ": holds journals of a batch split " + std::to_string(count) +
                                     " ways and of one split " + std::to_string(plan.shard.count) +
                                     " ways; remove the stale ones, or rerun with --overwrite");
        }
        status.lists_differ |= plan.shard_files != shard_files;
        status.shards[plan.shard.index] = shard_status(*journal, out_dir);
    }
    for (const ShardStatus& shard : status.shards) {
        status.files += shard.files;
        status.done += shard.done;
        status.failed += shard.failed;
        status.missing += shard.missing;
    }
    return status;
}

std::string describe(const BatchStatus& status) {
    std::ostringstream out;
    auto counts = [&](const auto& s) {
        out << s.files << " files: " << s.done << " done, " << s.failed << " failed, " << s.missing << " missing";
    };
    const bool split = status.shards.size() > 1;
    for (const ShardStatus& shard : status.shards) {
        if (split) {
            out << "shard " << shard.shard.label() << ": ";
            counts(shard);
            out << (shard.started ? "" : " (not started)") << "\n";
        }
        for (const auto& [input, error] : shard.failures) out << "  failed: " << error << "\n";
    }
    out << "all: ";
    counts(status);
    out << "\n";
    if (status.lists_differ) {
        out << "note: the shards saw different input lists (files added or removed between their starts); "
               "rerun the shards to cover the folder as it is now\n";
    }
    return out.str();
}

}  // namespace pixpool
