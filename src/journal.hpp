#pragma once
/// The resume journal: one JSON line per output written, kept in the output
/// folder (.pixpool-journal.jsonl, hidden so it is never read as an input).
/// A rerun skips an output that exists, is newer than its input, and was
/// made from the same input (size and modification time) by the same recipe
/// (filter chain and output options); anything else is done again.

#include <cstdint>
#include <fstream>
#include <map>
#include <string>

namespace pixpool::detail {

class Journal {
public:
    static constexpr const char* kFileName = ".pixpool-journal.jsonl";

    /// Reads the journal in `out_dir`, if any (a torn last line is ignored).
    explicit Journal(const std::string& out_dir);

    /// True when `output` was made from `input` as it is now, by `recipe`,
    /// and is still there, newer than the input.
    bool up_to_date(const std::string& input, const std::string& output, const std::string& recipe) const;

    /// Records a finished output (appends one line and flushes).
    void record(const std::string& input, const std::string& output, const std::string& recipe);

private:
    struct Entry {
        std::string input;
        std::string recipe;
        std::uintmax_t input_size = 0;
        std::int64_t input_mtime_ns = 0;
    };
    std::string path_;
    std::map<std::string, Entry> entries_;  ///< by output path
    std::ofstream appender_;
};

}  // namespace pixpool::detail
