#include "batch_options.hpp"

#include <pixpool/filters.hpp>

#include <cmath>
#include <filesystem>
#include <stdexcept>

namespace pixpool::cli {

namespace {

/// "-f" help lists the filters from the registry: they are declared once.
std::string filter_help() {
    std::string names;
    for (const auto& filter : filters::registry()) names += (names.empty() ? "" : ", ") + filter.name;
    return "a filter as NAME[:key=value[,key=value...]]; repeat to chain, applied in order.\n"
           "Filters: " + names + ".\n`pixpool filters` lists their parameters.";
}

constexpr double kDefaultTimeoutSeconds = 600;
constexpr double kMaxTimeoutSeconds = 7 * 24 * 3600;

/// 0 (none) up to a week. CLI11's ranges let NaN through (every comparison
/// with it is false), and a huge value overflows the pool's deadline.
CLI::Validator timeout_range() {
    return CLI::Validator(
        [](std::string& text) -> std::string {
            double seconds = 0;
            if (!CLI::detail::lexical_cast(text, seconds) || !std::isfinite(seconds) || seconds < 0 ||
                seconds > kMaxTimeoutSeconds) {
                return "--timeout must be a number of seconds in [0, " + std::to_string(int(kMaxTimeoutSeconds)) +
                       "] (0: none), got '" + text + "'";
            }
            return "";
        },
        "SECONDS in [0, 604800]");
}

}  // namespace

void add_batch_flags(CLI::App& command, BatchFlags& flags, bool with_filters, bool output_required) {
    BatchOptions& b = flags.batch;
    command.add_option("inputs", b.input.paths,
                       "image files, folders (their image files) and quoted glob patterns ('photos/**/*.jpg')");
    auto* out = command.add_option("-o,--output", b.out_dir,
                                   "output folder (created if missing); input folders are mirrored below it");
    if (output_required) {
        auto* in_place = command.add_flag("--in-place", b.in_place,
                                          "write each output beside its input, replacing it when the name is the "
                                          "same (atomically: temporary file, then rename)");
        out->excludes(in_place);
        flags.output_required = true;
    }
    if (with_filters) {
        command.add_option("-f,--filter", b.filter_specs, filter_help())->allow_extra_args(false);
    }
    command.add_flag("-r,--recursive", b.input.recursive, "descend into subfolders of folder inputs");
    command.add_option("--files-from", b.input.files_from, "read more input paths from this file, one per line ('-': stdin)");
    command.add_flag("-0,--null", b.input.null_separated, "--files-from entries end with NUL, as find -print0 writes");
    command.add_option("--ext", b.input.extensions, "only these extensions from folders and globs, e.g. --ext jpg,png")
        ->delimiter(',');
    command.add_option("--name", b.name_template,
                       "output file name template: {stem} {ext} {dir} {filter}, e.g. '{stem}_{filter}.{ext}'");
    command.add_flag("--overwrite", b.overwrite,
                     "redo every output; by default one that is up to date (same input, same filters and "
                     "options, per the journal in the output folder) is skipped");
    command.add_flag("-n,--dry-run", b.dry_run, "print what would be done (input -> output, skips) and write nothing");
    command.add_option("--report", flags.report,
                       "write one JSON line per input and a summary line here ('-': stdout); {shard} in the name "
                       "becomes I-of-N, so each shard writes its own");
    if (output_required) {
        command.add_option("--shard", flags.shard,
                           "process only shard I of N (0-based) of the input list: I/N; auto: from a Slurm job "
                           "array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT); auto/N: also from a Kubernetes "
                           "Indexed Job (JOB_COMPLETION_INDEX). Each shard keeps its own journal in -o");
    }
    command.add_flag("-q,--quiet", flags.quiet, "no progress line");
    command.add_option("--prefix", b.output.prefix, "prepend to every output file name, e.g. blurred_");
    command.add_option("--format", b.output.format, "output format (default: the input's)")
        ->check(CLI::IsMember({"jpg", "png", "webp", "tiff", "bmp", "avif", "heic"}));
    command.add_option("--quality", b.output.quality,
                       "JPEG/WebP/AVIF/HEIC quality (default: JPEG 95, WebP 90, AVIF and HEIC 60)")
        ->check(CLI::Range(1, 100));
    command.add_flag("--progressive", b.output.progressive, "JPEG: progressive instead of baseline");
    command.add_option("--png-compression", b.output.png_compression, "PNG: zlib level, 0 (fastest) to 9 (smallest)")
        ->check(CLI::Range(0, 9))
        ->capture_default_str();
    command.add_flag("--webp-lossless", b.output.webp_lossless, "WebP: lossless instead of lossy at --quality");
    command.add_option("--tiff-compression", b.output.tiff_compression, "TIFF: none, lzw or deflate")
        ->check(CLI::IsMember({"none", "lzw", "deflate"}))
        ->capture_default_str();
    command.add_flag("--keep-metadata", b.output.keep_metadata,
                     "also carry EXIF (orientation reset) and XMP to the output; the ICC profile is always kept");
    command.add_option("-j,--jobs", b.jobs, "worker processes (default: the usable CPUs)")
        ->check(CLI::Range(1, 1024));
    command.add_flag("--inline", b.run_inline, "no pool: every file in this process, one by one");
    // A default limit, so no single file (a slow-decode bomb) pins a worker for ever.
    b.timeout_seconds = kDefaultTimeoutSeconds;
    command.add_option("--timeout", b.timeout_seconds, "seconds one file may take before its worker is killed (0: none)")
        ->capture_default_str()
        ->check(timeout_range());
    command.add_option("--retries", b.retries, "extra tries, on a fresh worker, for a file whose worker crashed")
        ->capture_default_str()
        ->check(CLI::Range(0, 10));
    command.add_option("--max-pixels", b.read.max_pixels,
                       "refuse images whose header declares more pixels, before decoding them (0: no limit)")
        ->capture_default_str();
    command.add_option("--fail-on", flags.fail_on,
                       "error (default): decoder warnings such as a truncated JPEG are reported and the file is "
                       "written; warning: such a file fails")
        ->check(CLI::IsMember({"warning", "error"}));
    command.add_flag("--no-auto-orient", flags.no_auto_orient, "keep pixels as stored, ignoring the EXIF orientation");
    command.add_flag_callback("--no-shrink-on-load", [&b] { b.read.shrink_on_load = false; },
                              "decode every pixel even when the chain begins with a downscaling resize (exact "
                              "instead of within 40 dB PSNR)");
    command.add_option("--max-memory", b.max_memory_mb,
                       "MB of memory each worker may allocate (RLIMIT_DATA); past it that file fails (0: no limit)")
        ->check(CLI::Range(0, 1 << 30));
    command.add_option("--start-method", flags.start_method,
                       "fork (default), forkserver (a server process forks the workers) or spawn (fresh processes)")
        ->check(CLI::IsMember({"fork", "forkserver", "spawn"}));
    command.add_option("--log-level", flags.log_level, "trace, debug, info, warn, error or off (default: warn, info with --log-dir)")
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
    command.add_option("--log-dir", flags.log_dir, "one log file per worker here, worker-ID.log (default: stderr)");
}

void finish_batch_flags(BatchFlags& flags) {
    const BatchOptions& b = flags.batch;
    if (b.input.paths.empty() && b.input.files_from.empty()) {
        throw UsageError("no inputs: name files, folders or globs, or use --files-from");
    }
    if (flags.output_required && b.out_dir.empty() && !b.in_place) {
        throw UsageError("say where outputs go: -o DIR, or --in-place");
    }
    if (!flags.shard.empty()) {
        try {
            flags.batch.shard = parse_shard(flags.shard);
        } catch (const ShardError& e) {
            throw UsageError(e.what());
        }
    }
    const Shard& shard = flags.batch.shard;
    for (auto at = flags.report.find("{shard}"); at != std::string::npos; at = flags.report.find("{shard}")) {
        flags.report.replace(at, 7, std::to_string(shard.index) + "-of-" + std::to_string(shard.count));
    }
    flags.batch.start_method = flags.start_method == "spawn"        ? StartMethod::Spawn
                               : flags.start_method == "forkserver" ? StartMethod::ForkServer
                                                                    : StartMethod::Fork;
    flags.batch.read.fail_on_warning = flags.fail_on == "warning";
    flags.batch.read.auto_orient = !flags.no_auto_orient;
    LogConfig& log = flags.batch.log;
    log.level = !flags.log_level.empty() ? flags.log_level : flags.log_dir.empty() ? "warn" : "info";
    if (!flags.log_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(flags.log_dir, ec);
        if (ec) throw UsageError("cannot create log folder " + flags.log_dir + ": " + ec.message());
        log.file_template = log_template_for_dir(flags.log_dir);
    }
}

}  // namespace pixpool::cli
