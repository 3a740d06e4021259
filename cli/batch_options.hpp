#pragma once
/// The options `run`, `blur` and `bench` share, declared once on each
/// subcommand and read into a pixpool::BatchOptions.

#include <pixpool/batch.hpp>

#include <CLI/CLI.hpp>

#include <stdexcept>

namespace pixpool::cli {

/// A command line that cannot run as given: exit 2 with this one line.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct BatchFlags {
    BatchOptions batch;
    std::string log_level;  ///< empty: "info" with --log-dir, else "warn"
    std::string log_dir;
    std::string start_method = "fork";
    std::string fail_on = "error";
    bool no_auto_orient = false;
    std::string report;            ///< --report FILE ("-": stdout); {shard} becomes "I-of-N"
    std::string shard;             ///< --shard I/N, auto or auto/N; empty: the whole batch
    bool quiet = false;
    bool output_required = false;  ///< run/blur: -o or --in-place
};

/// Adds INPUT..., -r, -o, --prefix, --format, --quality, -j, --inline,
/// --timeout, --retries, --log-level, --log-dir. With `with_filters`, also
/// -f/--filter (blur has --sigma instead). `output_required`: bench writes to
/// temporary folders and takes no -o.
void add_batch_flags(CLI::App& command, BatchFlags& flags, bool with_filters, bool output_required);

/// Completes the options after parsing (log config). Throws UsageError with
/// a one-line message for a configuration problem (no inputs, no output, a
/// log folder that cannot be created).
void finish_batch_flags(BatchFlags& flags);

}  // namespace pixpool::cli
