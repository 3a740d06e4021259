#include "journal_files.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pixpool::detail {

std::vector<JournalFile> journals_in(const std::string& out_dir) {
    std::vector<JournalFile> found;
    std::error_code ec;
    for (fs::directory_iterator it(out_dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (auto shard = Journal::shard_of_file(it->path().filename().string())) {
            found.push_back({it->path().string(), *shard});
        }
    }
    std::sort(found.begin(), found.end(), [](const JournalFile& a, const JournalFile& b) { return a.path < b.path; });
    return found;
}

void refuse_other_splits(const std::string& out_dir, const Shard& shard, bool overwrite, bool dry_run) {
    std::vector<JournalFile> others;
    for (JournalFile& journal : journals_in(out_dir)) {
        if (journal.shard.count != shard.count) others.push_back(std::move(journal));
    }
    if (others.empty()) return;
    if (overwrite) {
        std::error_code ec;
        if (!dry_run) for (const JournalFile& other : others) fs::remove(other.path, ec);
        return;
    }
    const unsigned their_count = others.front().shard.count;
    auto ways = [](unsigned count) { return count == 1 ? std::string("unsplit") : "split " + std::to_string(count) + " ways"; };
    const std::string as_before = their_count == 1 ? "without --shard" : "with --shard I/" + std::to_string(their_count);
    throw std::runtime_error(out_dir + ": holds the journal of a batch " + ways(their_count) + " (" +
                             fs::path(others.front().path).filename().string() + ") and this run is " +
                             ways(shard.count) + ": run it " + as_before +
                             " as before, or say --overwrite to redo everything and drop the old journals");
}

}  // namespace pixpool::detail
