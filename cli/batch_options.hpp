#pragma once
/// The options `run`, `blur`, `bench` and `video` take, read into a
/// pixpool::BatchOptions plus what only the command line needs. Which
/// command takes which option is declared in option_table.cpp.

#include <pixpool/batch.hpp>

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace pixpool::cli {

/// A command line that cannot run as given: exit 2 with this one line.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct BatchFlags {
    /// The command line's defaults where they differ from the library's: a
    /// time limit, so no single file (a slow-decode bomb) pins a worker for ever.
    BatchFlags() { batch.timeout_seconds = 600; }

    BatchOptions batch;
    std::string log_level;  ///< empty: "info" with --log-dir, else "warn"
    std::string log_dir;
    std::string start_method = "fork";
    std::string fail_on = "error";
    bool no_auto_orient = false;
    bool no_shrink_on_load = false;
    bool no_ycbcr = false;
    std::string report;            ///< --report FILE ("-": stdout); {shard} becomes "I-of-N"
    std::string shard;             ///< --shard I/N, auto or auto/N; empty: the whole batch
    bool quiet = false;            ///< nothing but errors
    double sigma = 3.0;            ///< blur's --sigma
    bool halt_on_error = false;
    std::string halt;              ///< "fail=N" or "fail=N%"
    std::vector<std::string> bench_workers;  ///< bench --workers 1,2,4
    std::string plot;              ///< bench --plot FILE.svg
    std::string command;           ///< "run", "blur", "bench" or "video"
    /// `pixpool video`'s own options; the filters, jobs, timeout and quiet are the ones above.
    struct Video {
        std::string input;
        std::string output;
        std::string codec;         ///< a FourCC; empty: from the output's extension
    } video;
};

/// Adds every option of the table that `command` ("run", "blur", "bench", "video") takes.
void add_batch_flags(CLI::App& app, BatchFlags& flags, const std::string& command);

/// Completes the options after parsing: what the table's command-line-only
/// fields mean for the batch (blur's --sigma, --fail-on, --shard, the log
/// config). Throws UsageError with
/// a one-line message for a configuration problem (no inputs, no output, a
/// log folder that cannot be created).
void finish_batch_flags(BatchFlags& flags);

}  // namespace pixpool::cli
