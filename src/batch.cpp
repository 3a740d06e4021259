/// Runs a batch of image jobs on the pool (or inline) and gathers one
/// FileReport per input. The master side only plans, dispatches and reports:
/// it never decodes an image and never logs through spdlog, so it forks with
/// no thread and no logger of its own.

#include <pixpool/batch.hpp>

#include "atomic_file.hpp"
#include "batch_recipe.hpp"
#include "batch_plan.hpp"
#include "journal_files.hpp"
#include "logger.hpp"
#include "task_codec.hpp"
#include "working_folder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <numeric>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace pixpool {

namespace {

using Clock = std::chrono::steady_clock;

/// What runs for each file, in a worker or inline: the pool sees only bytes.
/// It logs through `log`: the worker's own logger, or the inline run's,
/// never one the host installed.
std::string handle_task(const std::string& payload, const filters::Chain& chain, const OutputOptions& output,
                        const ReadOptions& read, spdlog::logger& log) {
    ImageTask task = decode_task(payload);
    try {
        ImageOutcome outcome = process_image(task, chain, output, read);
        // info, not warn: the warning reaches the user with its file in the summary and
        // report; at warn it would also print loose on stderr (the default level).
        if (!outcome.warnings.empty()) log.info("{}: {}", task.input, outcome.warnings);
        log.info("{} -> {} ({}x{}; decode {:.1f} ms, filter {:.1f} ms, encode {:.1f} ms)", task.input,
                     task.output, outcome.width, outcome.height, outcome.decode_ms, outcome.filter_ms,
                     outcome.encode_ms);
        return encode_outcome(outcome);
    } catch (const std::exception& e) {
        log.info("failed: {}", e.what());  // the summary reports it; the log keeps the context
        throw;
    }
}

/// A worker killed mid-write (crash, timeout, a second Ctrl-C) may leave a
/// temporary when the output folder has no O_TMPFILE: the master removes
/// it. A worker that failed removed its own, so the folder is not listed
/// again for every failed file (that was O(n^2) for a folder of failures).
void remove_temporaries(const FileReport& file, pid_t pid) {
    if (file.status == Status::Ok || file.status == Status::Failed) return;
    detail::remove_temporaries_of(fs::path(file.output).parent_path().string(), pid);
}

/// Temporaries left by workers of a run killed with SIGKILL (their pids are
/// dead now), in each folder this batch writes to: one listing per folder.
void remove_stale_temporaries(const std::vector<FileReport>& files) {
    std::set<std::string> folders;
    for (const FileReport& file : files) folders.insert(fs::path(file.output).parent_path().string());
    for (const std::string& folder : folders) detail::remove_stale_temporaries(folder);
}

/// Turns the pool's result into the file's report.
void record(FileReport& file, const Result& result) {
    file.status = result.status;
    file.worker_id = result.worker_id;
    file.pid = result.pid;
    file.seconds = result.seconds;
    switch (result.status) {
        case Status::Ok:
            try {
                file.outcome = decode_outcome(result.value);
            } catch (const ImageError& e) {  // a worker's bug must not take the master down
                file.status = Status::Failed;
                file.error = file.input + ": " + e.what();
            }
            break;
        case Status::Failed: file.error = result.value; break;
        case Status::Crashed: file.error = result.value + " while processing " + file.input; break;
        case Status::TimedOut: file.error = file.input + ": " + result.value; break;
        case Status::Cancelled: file.error = file.input + ": not processed (" + result.value + ")"; break;
    }
    remove_temporaries(file, result.pid);
}

/// Indices of the files still to run, largest first, so the longest jobs
/// do not start last and leave a core idle at the end. That needs a stat
/// per file in the master; past a few hundred files the tail it saves (at
/// most one file's time per worker) is a small share of the run, and the
/// stats are not, so big batches keep the input order.
std::vector<std::size_t> dispatch_order(const std::vector<FileReport>& files) {
    constexpr std::size_t kSortedUpTo = 256;
    std::vector<std::size_t> order;
    std::vector<std::uintmax_t> sizes(files.size(), 0);
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (files[i].status == Status::Failed || files[i].skipped) continue;
        order.push_back(i);
    }
    if (order.size() > kSortedUpTo) return order;
    for (std::size_t i : order) {
        std::error_code ec;
        sizes[i] = fs::file_size(files[i].input, ec);
    }
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return sizes[a] > sizes[b]; });
    return order;
}

void run_inline(const BatchOptions& options, const filters::Chain& chain, std::vector<FileReport>& files,
                const std::vector<std::size_t>& order, const std::function<void(FileReport&, const Result&)>& done,
                const std::function<void(const std::string&)>& console) {
    // The host's process is left as it is: no worker tuning, and a logger of
    // the batch's own instead of replacing spdlog's default.
    const auto log = make_process_logger(options.log, "inline", console);
    for (std::size_t i : order) {
        FileReport& file = files[i];
        Result result;
        if (options.interrupts && *options.interrupts > 0) {
            result = Result{0, Status::Cancelled, "interrupted"};
        } else {
            auto started = Clock::now();
            try {
                result.value =
                    handle_task(encode_task({file.input, file.output}), chain, options.output, options.read, *log);
                result.status = Status::Ok;
            } catch (const std::exception& e) {
                result.value = e.what();
                result.status = Status::Failed;
            }
            result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        }
        done(file, result);
    }
}

constexpr const char* kSpawnedWorkerName = "pixpool.image";

/// The journal's plan line: what this shard owns, for `pixpool status`.
void record_plan(detail::Journal& journal, const BatchOptions& options, const std::vector<std::size_t>& shard_files,
                 const std::vector<FileReport>& files) {
    detail::JournalPlan plan;
    plan.shard = options.shard;
    plan.out_dir = detail::Journal::identity_of(options.out_dir);
    plan.shard_files = shard_files;
    for (const FileReport& file : files) {
        plan.inputs.push_back(detail::Journal::identity_of(file.input));
        plan.outputs.push_back(detail::Journal::identity_of(file.output));
    }
    journal.record_plan(plan);
}

/// Written, or failed with its error; a file not processed (interrupted) is left out.
void record_outcome(detail::Journal& journal, const FileReport& file, const std::string& recipe) {
    if (file.status == Status::Ok) {
        if (!file.skipped) journal.record(file.input, file.output, recipe, file.outcome.input);
    } else if (file.status != Status::Cancelled) {
        journal.record_failure(file.input, file.output, file.error);
    }
}

/// "gaussian_blur+grayscale", for --name's {filter}.
std::string filter_label(const filters::Chain& chain) {
    std::string label;
    for (const auto& step : chain.steps()) label += (label.empty() ? "" : "+") + step.filter->name;
    return label.empty() ? "copy" : label;
}

/// Sets up this process as worker `worker_id`: OpenCV threads off, its own logger.
void start_image_worker(const LogConfig& log, int worker_id) {
    prepare_worker_process();
    spdlog::set_default_logger(make_process_logger(log, std::to_string(worker_id)));
    spdlog::debug("worker ready");
}

void run_on_pool(const BatchOptions& options, const filters::Chain& chain, std::vector<FileReport>& files,
                 const std::vector<std::size_t>& order, const std::function<void(FileReport&, const Result&)>& done,
                 int workers, const std::function<void(const std::string&)>& worker_stderr) {
    PoolOptions pool_options;
    pool_options.workers = workers;
    pool_options.timeout_seconds = options.timeout_seconds;
    pool_options.retries = options.retries;
    pool_options.interrupts = options.interrupts;
    pool_options.max_memory_bytes = options.max_memory_mb << 20;
    pool_options.start_method = options.start_method;
    pool_options.spawn_worker = kSpawnedWorkerName;
    pool_options.spawn_config = detail::encode_worker_config(options);
    pool_options.worker_stderr = worker_stderr;
    const LogConfig log = options.log;
    pool_options.initializer = [log](int worker_id) { start_image_worker(log, worker_id); };
    pool_options.handler = [&chain, &options](const std::string& payload) {
        return handle_task(payload, chain, options.output, options.read, *spdlog::default_logger());
    };
    Pool pool(pool_options);
    std::vector<std::string> payloads;
    payloads.reserve(order.size());
    for (std::size_t i : order) payloads.push_back(encode_task({files[i].input, files[i].output}));
    pool.map_unordered(payloads, [&](std::size_t index, const Result& result) {
        done(files[order[index]], result);
    });
}

/// One summary entry stays one line: control characters (a newline in a
/// file name) are shown escaped, as \n or \xHH.
std::string printable(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

}  // namespace

void serve_if_spawned_image_worker() {
    register_spawned_worker(kSpawnedWorkerName, [](const std::string& bytes, int worker_id) -> Handler {
        const detail::WorkerConfig config = detail::decode_worker_config(bytes);
        auto chain = filters::Chain::parse(config.filters);
        start_image_worker(config.log, worker_id);
        const OutputOptions output = config.output;
        const ReadOptions read = config.read;
        return [chain, output, read](const std::string& payload) {
            return handle_task(payload, chain, output, read, *spdlog::default_logger());
        };
    });
    run_if_spawned_worker();
}

namespace {

/// In place, an output replaces its input: it keeps all of the input's
/// metadata and a JPEG its own quality (unless a quality was given), so a
/// rerun neither strips the photo's camera, date and copyright nor
/// degrades or bloats it.
BatchOptions with_in_place_defaults(BatchOptions options) {
    if (options.in_place) {
        options.output.keep_metadata = true;
        options.output.match_input_quality = true;
    }
    return options;
}

}  // namespace

BatchReport run_batch(const BatchOptions& requested, const BatchCallbacks& callbacks) {
    const BatchOptions options = with_in_place_defaults(requested);
    const detail::WorkingFolder working_folder;  // paths are made absolute several times per file
    const filters::Chain chain = filters::Chain::parse(options.filter_specs);
    const std::string recipe = detail::recipe_text(options, {chain.text()});
    // --overwrite redoes everything but still records what it made: a later
    // run must not skip an output that now holds other pixels.
    std::unique_ptr<detail::Journal> journal;
    if (!options.in_place) {
        detail::refuse_other_splits(options.out_dir, options.shard, options.overwrite, options.dry_run);
        journal = std::make_unique<detail::Journal>(options.out_dir, options.shard);
    }

    auto started = Clock::now();
    BatchReport report;
    detail::BatchPlan plan =
        detail::plan_batch(options, filter_label(chain), recipe, options.overwrite ? nullptr : journal.get());
    report.files = std::move(plan.files);
    report.unsupported = std::move(plan.unsupported);
    // A dry run records nothing, and a run that refuses every file (an
    // output over its input) leaves nothing behind.
    const bool nothing_to_do = std::all_of(report.files.begin(), report.files.end(),
                                           [](const FileReport& file) { return file.status == Status::Failed; });
    detail::Journal* recording = options.dry_run || nothing_to_do ? nullptr : journal.get();
    if (recording) record_plan(*recording, options, plan.shard_files, report.files);
    if (callbacks.planned) callbacks.planned(report.files);
    for (const FileReport& file : report.files) {
        if (file.status != Status::Failed && !file.skipped) continue;
        if (recording && file.status == Status::Failed) record_outcome(*recording, file, recipe);
        if (callbacks.file_done) callbacks.file_done(file);
    }
    std::vector<std::size_t> order = dispatch_order(report.files);
    if (!options.dry_run && !order.empty()) remove_stale_temporaries(report.files);
    if (!options.dry_run) {
        auto done = [&](FileReport& file, const Result& result) {
            record(file, result);
            if (recording) record_outcome(*recording, file, recipe);
            if (callbacks.file_done) callbacks.file_done(file);
        };
        if (options.run_inline) {
            run_inline(options, chain, report.files, order, done, callbacks.worker_stderr);
        } else if (!order.empty()) {
            int jobs = options.jobs > 0 ? options.jobs : usable_cpus();
            report.workers = std::min<int>(jobs, static_cast<int>(order.size()));
            run_on_pool(options, chain, report.files, order, done, report.workers, callbacks.worker_stderr);
        }
    }
    // The journal is complete before the summary (and its warnings) is made.
    if (journal) journal->flush();
    report.wall_seconds = std::chrono::duration<double>(Clock::now() - started).count();
    for (const FileReport& file : report.files) {
        if (file.status == Status::Ok) {
            ++report.ok;
            report.skipped += file.skipped;
            report.warned += !file.outcome.warnings.empty();
            report.megapixels += file.outcome.width * double(file.outcome.height) / 1e6;
        } else if (file.status == Status::Cancelled) {
            ++report.cancelled;
        } else {
            ++report.failed;
        }
    }
    report.interrupted = options.interrupts && *options.interrupts > 0;
    if (journal) report.notes = journal->problems();
    return report;
}

std::string summarize(const BatchReport& report) {
    std::ostringstream out;
    out << report.files.size() << " files: " << report.ok << " ok";
    if (report.warned || report.skipped) {
        out << " (";
        if (report.skipped) out << report.skipped << " skipped: already up to date";
        if (report.warned) out << (report.skipped ? ", " : "") << report.warned << " with warnings";
        out << ")";
    }
    out << ", " << report.failed << " failed";
    if (report.cancelled) out << ", " << report.cancelled << " not processed (interrupted)";
    if (!report.unsupported.empty()) out << ", " << report.unsupported.size() << " skipped: unsupported format";
    char rates[160];
    double seconds = std::max(report.wall_seconds, 1e-9);
    std::snprintf(rates, sizeof rates, " in %.2f s, %.1f images/s, %.1f MP/s", report.wall_seconds,
                  (report.ok - report.skipped) / seconds, report.megapixels / seconds);
    out << rates << (report.workers > 0 ? " on " + std::to_string(report.workers) + " workers" : "") << "\n";
    for (const std::string& note : report.notes) out << "  warning: " << printable(note) << "\n";
    constexpr std::size_t kUnsupportedListed = 20;  // a folder of 5,000 sidecar files needs no 5,000 lines
    for (std::size_t i = 0; i < report.unsupported.size() && i < kUnsupportedListed; ++i) {
        out << "  skipped: " << printable(report.unsupported[i].input) << ": "
            << printable(report.unsupported[i].reason) << "\n";
    }
    if (report.unsupported.size() > kUnsupportedListed) {
        out << "  skipped: " << report.unsupported.size() - kUnsupportedListed
            << " more files of unsupported formats (--report lists them all)\n";
    }
    for (const FileReport& file : report.files) {
        if (file.status == Status::Failed || file.status == Status::Crashed || file.status == Status::TimedOut) {
            out << "  error: " << printable(file.error) << "\n";
        } else if (file.status == Status::Ok && !file.outcome.warnings.empty()) {
            std::string joined = file.outcome.warnings;
            for (std::size_t at = joined.find('\n'); at != std::string::npos; at = joined.find('\n', at)) {
                joined.replace(at, 1, "; ");
            }
            out << "  warning: " << printable(file.input) << ": " << printable(joined) << "\n";
        }
    }
    return out.str();
}

}  // namespace pixpool
