#pragma once
/// The resume journal: one JSON line per output written, kept in the output
/// folder (.pixpool-journal.jsonl, hidden so it is never read as an input).
/// A rerun skips an output that exists, is newer than its input, and was
/// made from the same input file (device, inode, size, mtime and ctime, as
/// read through the descriptor the pixels came from) by the same recipe
/// (filter chain and output options); anything else is done again.
///
/// All reading and writing of the journal is here. Neither ever throws: a
/// line that is not a record is skipped and counted, a failed write is
/// noted, and problems() says what happened, naming the journal.

#include <pixpool/image_job.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pixpool::detail {

class Journal {
public:
    static constexpr const char* kFileName = ".pixpool-journal.jsonl";

    /// Reads the journal in `out_dir`, if any. Torn, foreign and mistyped
    /// lines are skipped and counted.
    explicit Journal(const std::string& out_dir);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    /// True when `output` was made from `input` as it is now, by `recipe`,
    /// and is still there, newer than the input.
    bool up_to_date(const std::string& input, const std::string& output, const std::string& recipe) const;

    /// Records a finished output made from the input file `read` (appends
    /// one line with a single write). Never throws.
    void record(const std::string& input, const std::string& output, const std::string& recipe,
                const FileIdentity& read);

    /// Lines of the journal that were not records (skipped).
    std::size_t bad_lines() const { return bad_lines_; }

    /// What went wrong with the journal, one line each, naming it: bad lines
    /// skipped, a failure to write. Empty when nothing did.
    std::vector<std::string> problems() const;

    const std::string& path() const { return path_; }

private:
    struct Entry {
        std::string input;
        std::string recipe;
        FileIdentity identity;
    };
    void read_line(const std::string& line);
    bool open_for_append();

    std::string path_;
    std::map<std::string, Entry> entries_;  ///< by output path
    std::size_t bad_lines_ = 0;
    int fd_ = -1;
    std::string write_error_;               ///< the first failure to write, if any
    std::size_t unrecorded_ = 0;            ///< records lost to write failures
};

}  // namespace pixpool::detail
