#pragma once
/// A batch: many input files, one filter chain, one output folder, run on a
/// pixpool::Pool (or inline, in this one process, as the sequential baseline).
/// This is what the CLI calls; library users can call it too.
///
///   pixpool::BatchOptions options;
///   options.input.paths = {"photos"};
///   options.out_dir = "blurred";
///   options.filter_specs = {"gaussian_blur:sigma=3"};
///   pixpool::BatchReport report = pixpool::run_batch(options);
///   // report.failed == 0 ?

#include <pixpool/image_job.hpp>
#include <pixpool/pool.hpp>
#include <pixpool/shard.hpp>

#include <csignal>
#include <functional>
#include <string>
#include <vector>

namespace pixpool {

/// Which files a batch reads. Inputs are files, folders (their image files;
/// `recursive` descends), quoted glob patterns expanded by pixpool itself
/// ('photos/**/*.jpg'), and lists of paths read from a file or stdin
/// (`find -print0` style with `null_separated`). The result is de-duplicated
/// and sorted, so a batch is the same whatever order the shell produced.
struct InputOptions {
    std::vector<std::string> paths;       ///< files, folders and glob patterns
    bool recursive = false;               ///< folders: descend into subfolders
    std::string files_from;               ///< a file with one path per entry; "-" is stdin
    bool null_separated = false;          ///< files_from entries end with NUL instead of newline
    std::vector<std::string> extensions;  ///< what folders and globs contribute ("jpg", "png"); empty: every image type
    std::vector<std::string> exclude;     ///< folders never read (the output folder, when it sits inside an input)
};

/// Logging config built in the master and handed by value to each worker,
/// which builds its own synchronous spdlog logger after the fork. No async
/// logger, no logger shared across a fork, one file per process. Inline, the
/// batch logs through a logger of its own and leaves spdlog's default alone.
struct LogConfig {
    std::string level = "info";  ///< trace, debug, info, warn, error, critical, off
    /// spdlog pattern; every worker line carries the worker id and pid.
    std::string pattern = "[%Y-%m-%d %H:%M:%S.%e] [%l] [worker %n pid %P] %v";
    /// Empty: log to stderr. Else a path template where "{id}" becomes the
    /// worker id (and "master" for the master), e.g. "logs/worker-{id}.log".
    std::string file_template;
};

/// "logs" -> "logs/worker-{id}.log": the template for --log-dir.
std::string log_template_for_dir(const std::string& dir);

struct BatchOptions {
    InputOptions input;                     ///< files, folders, globs, lists
    std::string out_dir;                    ///< the input tree is mirrored here
    /// No out_dir: outputs beside (or over) their inputs, atomically, with
    /// all the input's metadata (output.keep_metadata) and, for a JPEG, its
    /// own quality unless output.quality is set (output.match_input_quality).
    bool in_place = false;
    std::string name_template;              ///< {stem} {ext} {dir} {filter}; empty keeps the name
    std::vector<std::string> filter_specs;  ///< "NAME[:k=v,...]", applied in order
    OutputOptions output;
    bool overwrite = false;                 ///< redo outputs the journal says are up to date
    bool dry_run = false;                   ///< plan only: decide outputs and skips, write nothing
    /// This process's part of the batch (see shard.hpp); each shard keeps its
    /// own journal in out_dir, .pixpool-journal.shard-I-of-N.jsonl.
    Shard shard;
    ReadOptions read;
    int jobs = 0;                           ///< workers; 0: the usable CPUs
    bool run_inline = false;                ///< no pool: every file in this process, one by one
    double timeout_seconds = 0;             ///< per file; 0: none
    int retries = 1;                        ///< extra tries for a file whose worker crashed
    LogConfig log;
    std::size_t max_memory_mb = 0;          ///< per worker (RLIMIT_DATA); 0: none; not applied inline
    /// ForkServer (the default) works in any host: in one that runs no
    /// threads yet its server is forked; in one that does, it is spawned, and
    /// then main() calls serve_if_spawned_image_worker() first thing (as for
    /// Spawn). Fork, as the CLI uses, is refused in a threaded host.
    StartMethod start_method = StartMethod::ForkServer;
    /// Incremented by the caller's SIGINT/SIGTERM handler: 1 stops starting
    /// files and lets running ones finish; 2 kills the workers.
    const volatile std::sig_atomic_t* interrupts = nullptr;
};

/// What happened to one input file.
struct FileReport {
    std::string input;
    std::string output;
    Status status = Status::Cancelled;
    bool skipped = false;    ///< status Ok without work: the output was up to date (or a dry run would skip it)
    std::string error;       ///< empty when ok; else names the file and the reason
    ImageOutcome outcome;    ///< sizes, stage times and decoder warnings, when ok
    int worker_id = -1;      ///< -1 inline
    pid_t pid = 0;
    double seconds = 0;
};

/// A file found in an input folder or glob that pixpool does not read.
struct UnsupportedFile {
    std::string input;
    std::string reason;  ///< "unsupported format .txt"
};

struct BatchReport {
    std::vector<FileReport> files;  ///< in input order
    /// Files found in input folders and globs whose format pixpool does not
    /// read (see `pixpool formats`): not processed and not failures, but
    /// listed so that nothing is dropped silently. Empty with --ext.
    std::vector<UnsupportedFile> unsupported;
    std::size_t ok = 0;
    std::size_t failed = 0;         ///< failed, crashed or timed out
    std::size_t cancelled = 0;      ///< not processed because of an interrupt
    std::size_t warned = 0;         ///< ok, but the decoder warned (see each file's outcome.warnings)
    std::size_t skipped = 0;        ///< counted in ok: already up to date
    double wall_seconds = 0;
    double megapixels = 0;          ///< of the files written
    int workers = 0;                ///< 0 inline
    bool interrupted = false;
    /// About the batch as a whole, each line naming what it is about: lines
    /// of the resume journal that were skipped, a journal that could not be
    /// written. Empty when all went well.
    std::vector<std::string> notes;
};

/// Optional callbacks, e.g. for progress and reports.
struct BatchCallbacks {
    /// Once, with every file and its planned output, before any work.
    std::function<void(const std::vector<FileReport>&)> planned;
    /// As each file is done (failed, skipped or written), in completion order.
    std::function<void(const FileReport&)> file_done;
    /// Optional: each line the workers write to stderr (their log lines when
    /// the log goes to stderr, anything a library prints), and the inline
    /// run's log lines. Set, none of it reaches stderr directly, so a caller
    /// drawing a progress line on a terminal prints each line above it.
    std::function<void(const std::string& line)> worker_stderr;
};

/// Runs the batch. Throws filters::FilterError for a bad chain (before any
/// work starts), std::runtime_error for unreadable input lists,
/// std::invalid_argument (also before any work) when --name or --prefix
/// would put an output outside the output folder or when the output folder
/// is an input folder, and
/// PoolError when the pool cannot run at all; per-file problems are in the
/// report.
BatchReport run_batch(const BatchOptions& options, const BatchCallbacks& callbacks = {});

/// For a Spawn or ForkServer batch in a threaded host: call first thing in
/// main(). In a process spawned as an image worker (or its fork server) it
/// serves files and never returns.
void serve_if_spawned_image_worker();

/// What each worker applies to itself before its first file: OpenCV's own
/// threads off (cv::setNumThreads(0)) and OpenCL off, so N workers mean N
/// busy cores, and glibc keeping big blocks on the heap, so frame-sized
/// buffers reuse their pages. run_batch applies it in workers only, never to
/// its host (inline included); a program that wants its own process tuned the
/// same way calls it on purpose (the CLI's `bench`, so that its inline run is
/// a one-core baseline).
void prepare_worker_process();

/// "ok 5, failed 1 ... 2.31 s, 2.2 images/s, 3.4 MP/s" and one line per failure.
std::string summarize(const BatchReport& report);

}  // namespace pixpool
