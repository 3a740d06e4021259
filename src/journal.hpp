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
///
/// A shard of a batch (--shard I/N) keeps its own journal,
/// .pixpool-journal.shard-I-of-N.jsonl: machines sharing the folder over NFS
/// never append to one file. Besides outputs written, a journal holds the
/// shard's plan (which inputs it owns) and its failures, so that
/// `pixpool status` can tell done, failed and missing from the journals alone.
///
/// When records reach the disk. A record (an output written, a failure) is
/// written at once when the journal's last write was 50 ms ago or more, so
/// a batch of photos that take a second each writes every record as its
/// file finishes. Records that come faster wait in memory and go out
/// together, in one write of whole lines, with the first record that finds
/// 50 ms gone, when they pass 64 KiB, on flush(), or when the journal is
/// destroyed: a batch of small files then costs one write per 50 ms instead
/// of one per file. The plan is written at once, after what was waiting.
///
/// So if the master process is killed with SIGKILL or crashes, the records
/// still waiting are lost: those of the files that finished within 50 ms
/// after the journal's last write. A rerun makes those outputs again:
/// outputs are written atomically, so none is lost or half-written, they
/// are only redone. Ctrl-C, SIGTERM, --halt and errors end a run normally
/// (the journal is destroyed, or flushed, before the process exits), and
/// the journal is complete then. `pixpool status` reading the journal of a
/// running batch sees a waiting record with the next write.

#include <pixpool/image_job.hpp>
#include <pixpool/shard.hpp>

#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pixpool::detail {

/// What one run of a shard set out to do, as recorded at its start.
struct JournalPlan {
    Shard shard;
    std::string out_dir;                   ///< its identity when written, to find outputs if the folder moved
    std::vector<std::size_t> shard_files;  ///< files in each of the N shards of the batch
    std::vector<std::string> inputs;       ///< this shard's inputs (identities), in order
    std::vector<std::string> outputs;      ///< and their outputs

    bool operator==(const JournalPlan& other) const {
        return shard == other.shard && out_dir == other.out_dir && shard_files == other.shard_files &&
               inputs == other.inputs && outputs == other.outputs;
    }
};

class Journal {
public:
    static constexpr const char* kFileName = ".pixpool-journal.jsonl";

    /// ".pixpool-journal.jsonl" for the whole batch, ".pixpool-journal.shard-I-of-N.jsonl" for a shard.
    static std::string file_name(const Shard& shard);
    /// The shard a journal's file name is for, or nothing when it is not a journal's name.
    static std::optional<Shard> shard_of_file(const std::string& file_name);
    /// The key under which two spellings of one path are the same file.
    static std::string identity_of(const std::string& path);

    /// Reads the journal of `shard` in `out_dir`, if any. Torn, foreign and
    /// mistyped lines are skipped and counted.
    explicit Journal(const std::string& out_dir, const Shard& shard = {});
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    /// True when `output` was made from `input` as it is now, by `recipe`,
    /// and is still there, newer than the input.
    bool up_to_date(const std::string& input, const std::string& output, const std::string& recipe) const;

    /// Records a finished output made from the input file `read` (one
    /// line, written at once or with the next write, as above). Never throws.
    void record(const std::string& input, const std::string& output, const std::string& recipe,
                const FileIdentity& read);

    /// Records that `input` failed with `error`, for status (a failure never
    /// makes an output up to date). Written as record() is. Never throws.
    void record_failure(const std::string& input, const std::string& output, const std::string& error);
    /// Records the plan of this run, unless it is the one recorded last,
    /// at once (after what is waiting). Never throws.
    void record_plan(const JournalPlan& plan);
    /// Writes every record still waiting, in one write. Never throws.
    void flush();

    /// The last plan recorded, if any.
    const std::optional<JournalPlan>& plan() const { return plan_; }
    /// The last thing recorded for an input (by its identity): written, or its error.
    struct Outcome {
        std::string output;
        std::string error;  ///< empty: written
    };
    const std::map<std::string, Outcome>& last_outcomes() const { return last_by_input_; }

    /// Lines of the journal that were not records (skipped).
    std::size_t bad_lines() const { return bad_lines_; }

    /// What went wrong with the journal, one line each, naming it: bad lines
    /// skipped, a failure to write. Empty when nothing did. Records still
    /// waiting are not counted: flush() first.
    std::vector<std::string> problems() const;

    const std::string& path() const { return path_; }

private:
    struct Entry {
        std::string input;
        std::string recipe;
        FileIdentity identity;
    };
    void read_line(const std::string& line);
    bool read_plan_or_failure(const nlohmann::json& row);
    /// A line waiting to be written, and what it changes here once it is.
    struct Pending {
        std::string input;              ///< identity; empty for the plan's line
        Outcome outcome;
        std::optional<Entry> written;   ///< for an output written
    };
    bool open_for_append();
    /// Adds `line` to what waits; writes it all at once when `now`, when the
    /// last write was 50 ms ago or more, or when 64 KiB wait. False when a
    /// write failed (counted, noted).
    bool append(const std::string& line, Pending effect, bool now);
    /// Writes every line waiting with one write; false (each line counted
    /// unrecorded, noted) when it cannot.
    bool write_pending();

    using Clock = std::chrono::steady_clock;

    std::string path_;
    std::map<std::string, Entry> entries_;  ///< by output path
    std::map<std::string, Outcome> last_by_input_;
    std::optional<JournalPlan> plan_;
    std::size_t bad_lines_ = 0;
    int fd_ = -1;
    std::string write_error_;               ///< the first failure to write, if any
    std::size_t unrecorded_ = 0;            ///< records lost to write failures
    std::string pending_lines_;             ///< whole lines, each ending in '\n'
    std::vector<Pending> pending_;          ///< one per line waiting
    std::optional<Clock::time_point> last_write_;  ///< none yet: the first record is written at once
};

}  // namespace pixpool::detail
