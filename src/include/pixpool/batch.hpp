#pragma once
/// A batch: many input files, one filter chain, one output folder, run on a
/// pixpool::Pool (or inline, in this one process, as the sequential baseline).
/// This is what the CLI calls; library users can call it too.
///
///   pixpool::BatchOptions options;
///   options.inputs = {"photos"};
///   options.out_dir = "blurred";
///   options.filter_specs = {"gaussian_blur:sigma=3"};
///   pixpool::BatchReport report = pixpool::run_batch(options);
///   // report.failed == 0 ?

#include <pixpool/image_job.hpp>
#include <pixpool/log_config.hpp>
#include <pixpool/pool.hpp>

#include <csignal>
#include <functional>
#include <string>
#include <vector>

namespace pixpool {

struct BatchOptions {
    std::vector<std::string> inputs;        ///< files and folders
    bool recursive = false;                 ///< folders: descend into subfolders
    std::string out_dir;
    std::vector<std::string> filter_specs;  ///< "NAME[:k=v,...]", applied in order
    OutputOptions output;
    ReadOptions read;
    int jobs = 0;                           ///< workers; 0: the usable CPUs
    bool run_inline = false;                ///< no pool: every file in this process, one by one
    double timeout_seconds = 0;             ///< per file; 0: none
    int retries = 1;                        ///< extra tries for a file whose worker crashed
    LogConfig log;
    std::size_t max_memory_mb = 0;          ///< per worker (RLIMIT_DATA); 0: none; not applied inline
    /// Fork (the default) from a program with no threads, like the CLI;
    /// Spawn from a host that already runs threads (then call
    /// serve_if_spawned_image_worker() first thing in main()).
    StartMethod start_method = StartMethod::Fork;
    /// Incremented by the caller's SIGINT/SIGTERM handler: 1 stops starting
    /// files and lets running ones finish; 2 kills the workers.
    const volatile std::sig_atomic_t* interrupts = nullptr;
};

/// What happened to one input file.
struct FileReport {
    std::string input;
    std::string output;
    Status status = Status::Cancelled;
    std::string error;       ///< empty when ok; else names the file and the reason
    ImageOutcome outcome;    ///< sizes, stage times and decoder warnings, when ok
    int worker_id = -1;      ///< -1 inline
    pid_t pid = 0;
    double seconds = 0;
};

struct BatchReport {
    std::vector<FileReport> files;  ///< in input order
    std::size_t ok = 0;
    std::size_t failed = 0;         ///< failed, crashed or timed out
    std::size_t cancelled = 0;      ///< not processed because of an interrupt
    std::size_t warned = 0;         ///< ok, but the decoder warned (see each file's outcome.warnings)
    double wall_seconds = 0;
    double megapixels = 0;          ///< of the files written
    int workers = 0;                ///< 0 inline
    bool interrupted = false;
};

/// Runs the batch. Throws filters::FilterError for a bad chain (before any
/// work starts) and PoolError when the pool cannot run at all; per-file
/// problems are in the report. `on_file` is called as each file finishes.
BatchReport run_batch(const BatchOptions& options,
                      const std::function<void(const FileReport&)>& on_file = {});

/// For BatchOptions::start_method Spawn: call first thing in main(). In a
/// process spawned as an image worker it serves files and never returns.
void serve_if_spawned_image_worker();

/// "ok 5, failed 1 ... 2.31 s, 2.2 images/s, 3.4 MP/s" and one line per failure.
std::string summarize(const BatchReport& report);

}  // namespace pixpool
