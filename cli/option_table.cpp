/// The option table: each option of run, blur, bench and video, once.

#include "option_table.hpp"

#include <pixpool/formats.hpp>

#include <cstdio>
#include <type_traits>

namespace pixpool::cli {

namespace {

/// The accessor for one BatchFlags field: `FIELD(batch.output.quality)`.
#define FIELD(member) +[](BatchFlags & f) -> decltype((f.member)) { return f.member; }

/// Builds one entry; the optional parts are chained: .range(1, 100).
class Option {
public:
    Option(const char* names, const char* value, Target target, unsigned commands, const char* help) {
        std::string spelled = names;
        if (spelled.size() > 1 && spelled[0] == '-' && spelled[1] != '-') {
            spec_.short_name = spelled[1];
            spelled = spelled.substr(spelled.find(',') + 1);
        }
        spec_.positional = spelled.rfind("--", 0) != 0;
        spec_.long_name = spec_.positional ? spelled : spelled.substr(2);
        spec_.value_name = value;
        spec_.target = target;
        spec_.commands = commands;
        spec_.help = help;
    }
    Option& range(double min, double max) { return spec_.min = min, spec_.max = max, *this; }
    Option& choices(std::vector<std::string> allowed) { return spec_.choices = std::move(allowed), *this; }
    Option& commas() { return spec_.comma_list = true, *this; }
    Option& completes(const char* what) { return spec_.completes = what, *this; }
    Option& hide_default() { return spec_.show_default = false, *this; }
    OptionSpec in_group(const char* group) const {
        OptionSpec spec = spec_;
        spec.group = group;
        return spec;
    }

private:
    OptionSpec spec_;
};

/// A --help section and its options.
struct Section {
    const char* name;
    std::vector<Option> options;
};

std::vector<std::string> writable_extensions() {
    std::vector<std::string> names;
    for (const Format& format : formats()) {
        if (!format.writable) continue;
        names.insert(names.end(), format.extensions.begin(), format.extensions.end());
    }
    return names;
}

std::vector<OptionSpec> build_table() {
    const std::vector<Section> sections = {
        {"Inputs", {
        Option("inputs", "INPUT", FIELD(batch.input.paths), kAll,
               "image files, folders (their image files), quoted glob patterns ('photos/**/*.jpg'), "
               "or - for one image on stdin")
            .completes("file"),
        Option("-r,--recursive", "", FIELD(batch.input.recursive), kAll, "descend into subfolders of folder inputs"),
        Option("--files-from", "FILE", FIELD(batch.input.files_from), kAll,
               "read more input paths from this file, one per line (-: stdin)")
            .completes("file"),
        Option("-0,--null", "", FIELD(batch.input.null_separated), kAll,
               "--files-from entries end with NUL, as find -print0 writes"),
        Option("--ext", "EXT", FIELD(batch.input.extensions), kAll,
               "only these extensions from folders and globs; repeat or use commas: --ext jpg,png")
            .commas(),

        }},
        {"Filters", {
        Option("-f,--filter", "FILTER", FIELD(batch.filter_specs), kFiltering | kVideo,
               "a filter as NAME[:key=value,...]; repeat -f to chain them, applied in order "
               "(`pixpool filters` lists them)")
            .completes("filter"),
        Option("-s,--sigma", "S", FIELD(sigma), kBlur, "blur strength (Gaussian sigma, in pixels)").range(0.1, 500),

        }},
        {"Outputs", {
        Option("-o,--output", "DIR", FIELD(batch.out_dir), kWriting,
               "output folder (created if missing); input folders are mirrored below it; "
               "- writes one image to stdout")
            .completes("dir"),
        Option("--in-place", "", FIELD(batch.in_place), kWriting,
               "write each output beside its input, replacing it when the name is the same (atomically); "
               "keeps all metadata, and a JPEG's own quality unless --quality is given"),
        Option("--name", "TEMPLATE", FIELD(batch.name_template), kWriting,
               "output file name from {stem} {ext} {inext} {dir} {filter}, e.g. '{stem}_{filter}.{ext}'"),
        Option("--prefix", "TEXT", FIELD(batch.output.prefix), kWriting,
               "prepend to every output file name, e.g. blurred_"),
        Option("--overwrite", "", FIELD(batch.overwrite), kWriting,
               "redo every output; by default one the journal in the output folder shows up to date is skipped"),
        Option("-n,--dry-run", "", FIELD(batch.dry_run), kWriting,
               "print the plan (input -> output, skips) on stdout and write nothing"),

        }},
        {"Output format", {
        Option("--format", "FORMAT", FIELD(batch.output.format), kAll,
               "output format, by extension, any case (default: the input's; `pixpool formats`)")
            .choices(writable_extensions()),
        Option("--quality", "Q", FIELD(batch.output.quality), kAll,
               "JPEG/WebP/AVIF/HEIC quality (default: JPEG 95, WebP 90, AVIF and HEIC 60)")
            .range(1, 100)
            .hide_default(),
        Option("--progressive", "", FIELD(batch.output.progressive), kAll, "JPEG: progressive instead of baseline"),
        Option("--png-compression", "L", FIELD(batch.output.png_compression), kAll,
               "PNG: zlib level, 0 (fastest) to 9 (smallest)")
            .range(0, 9),
        Option("--webp-lossless", "", FIELD(batch.output.webp_lossless), kAll,
               "WebP: lossless instead of lossy at --quality"),
        Option("--tiff-compression", "C", FIELD(batch.output.tiff_compression), kAll, "TIFF compression")
            .choices({"none", "lzw", "deflate"}),
        Option("--keep-metadata", "", FIELD(batch.output.keep_metadata), kAll,
               "also carry EXIF (orientation reset), XMP and IPTC; the ICC profile is always kept"),

        }},
        {"Reading", {
        Option("--no-auto-orient", "", FIELD(no_auto_orient), kAll,
               "keep pixels as stored, ignoring the EXIF orientation"),
        Option("--no-shrink-on-load", "", FIELD(no_shrink_on_load), kAll,
               "decode every pixel even when the chain begins with a downscaling resize (exact instead of "
               "within 40 dB PSNR)"),
        Option("--no-ycbcr", "", FIELD(no_ycbcr), kAll,
               "JPEG to JPEG: filter in RGB, as other tools do, instead of in the file's own YCbCr planes "
               "(done for gaussian_blur or no filter, within 40 dB PSNR of RGB, faster)"),
        Option("--max-pixels", "N", FIELD(batch.read.max_pixels), kAll,
               "refuse images whose header declares more pixels, before decoding (0: no limit)"),
        Option("--fail-on", "LEVEL", FIELD(fail_on), kAll,
               "warning: a decoder warning (a truncated JPEG) fails the file; error: it is reported, "
               "the file written")
            .choices({"warning", "error"}),

        }},
        {"Workers", {
        Option("-j,--jobs", "N", FIELD(batch.jobs), kAll | kVideo, "worker processes (default: the usable CPUs)")
            .range(1, 1024)
            .hide_default(),
        Option("--workers", "N,N,...", FIELD(bench_workers), kBench,
               "time the batch at each worker count, e.g. 1,2,4: seconds, speedup against 1 worker, "
               "efficiency, and Amdahl's serial fraction (default: inline against -j)"),
        Option("--plot", "FILE.svg", FIELD(plot), kBench,
               "draw speedup and efficiency against workers, with the ideal line and the Amdahl fit, as SVG "
               "(without --workers: 1 and -j)")
            .completes("file"),
        Option("--inline", "", FIELD(batch.run_inline), kWriting, "no pool: every file in this process, one by one"),
        Option("--timeout", "S", FIELD(batch.timeout_seconds), kAll | kVideo,
               "seconds one file (video: one frame) may take before its worker is killed (0: none)")
            .range(0, 7 * 24 * 3600),
        Option("--retries", "N", FIELD(batch.retries), kAll,
               "extra tries, on a fresh worker, for a file whose worker crashed")
            .range(0, 10),
        Option("--max-memory", "MB", FIELD(batch.max_memory_mb), kAll,
               "memory each worker may allocate (RLIMIT_DATA); past it that file fails (0: no limit)")
            .range(0, 1 << 30),
        Option("--start-method", "M", FIELD(start_method), kAll,
               "fork, forkserver (a server process forks the workers) or spawn (fresh processes)")
            .choices({"fork", "forkserver", "spawn"}),
        Option("--shard", "I/N", FIELD(shard), kWriting,
               "only shard I of N (0-based) of the inputs; auto: from a Slurm job array; auto/N: also from a "
               "Kubernetes Indexed Job (docs/scale-out.md). Each shard keeps its own journal in -o"),
        Option("--halt-on-error", "", FIELD(halt_on_error), kWriting,
               "stop starting files after the first failure (as --halt fail=1)"),
        Option("--halt", "fail=N|fail=N%", FIELD(halt), kWriting,
               "stop starting files after N failures, or N% of the files; running ones finish; exit 1"),

        }},
        {"Progress, reports and logs", {
        Option("-q,--quiet", "", FIELD(quiet), kAll | kVideo, "print nothing but errors"),
        Option("--report", "FILE", FIELD(report), kWriting,
               "one JSON line per input, then a summary line (-: stdout); {shard} in the name becomes I-of-N")
            .completes("file"),
        Option("--log-level", "LEVEL", FIELD(log_level), kAll,
               "worker log level (default: warn; info with --log-dir)")
            .choices({"trace", "debug", "info", "warn", "error", "critical", "off"}),
        Option("--log-dir", "DIR", FIELD(log_dir), kAll, "one log file per worker here, worker-ID.log (default: stderr)")
            .completes("dir"),
        }},
        {"Video", {
        Option("input", "VIDEO", FIELD(video.input), kVideo,
               "the video to read (any container and codec FFmpeg decodes)")
            .completes("file"),
        Option("-o,--output", "FILE", FIELD(video.output), kVideo,
               "the video to write; its extension picks the container and codec "
               "(mp4/m4v/mov/mkv: MPEG-4, avi: MJPEG, webm: VP8)")
            .completes("file"),
        Option("--codec", "FOURCC", FIELD(video.codec), kVideo,
               "the FourCC to encode with instead, e.g. mp4v, MJPG, XVID, avc1"),
        }},
    };
    std::vector<OptionSpec> table;
    for (const Section& section : sections) {
        for (const Option& option : section.options) table.push_back(option.in_group(section.name));
    }
    return table;
}

#undef FIELD

std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", value);
    return text;
}

}  // namespace

const std::vector<OptionSpec>& option_table() {
    static const std::vector<OptionSpec> table = build_table();
    return table;
}

std::string OptionSpec::synopsis() const {
    if (positional) return value_name + (is_list() ? "..." : "");
    std::string text = short_name ? std::string("-") + short_name + ", --" : "    --";
    text += long_name;
    if (!value_name.empty()) text += " " + value_name;
    return text;
}

std::string OptionSpec::default_text() const {
    if (!show_default) return "";
    static BatchFlags defaults;
    return std::visit(
        [](auto get) -> std::string {
            const auto& value = get(defaults);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::vector<std::string>>) {
                return "";
            } else if constexpr (std::is_same_v<T, std::string>) {
                return value;
            } else {
                return number_text(static_cast<double>(value));
            }
        },
        target);
}

const OptionSpec* find_option(const std::string& spelled) {
    std::string name = spelled.substr(0, spelled.find('='));
    for (const OptionSpec& spec : option_table()) {
        if (spec.positional) continue;
        if (name == "--" + spec.long_name || (spec.short_name && name == std::string("-") + spec.short_name)) {
            return &spec;
        }
    }
    return nullptr;
}

unsigned command_bit(const std::string& command) {
    if (command == "run") return kRun;
    if (command == "blur") return kBlur;
    if (command == "bench") return kBench;
    if (command == "video") return kVideo;
    return 0;
}

std::string commands_taking(const OptionSpec& spec) {
    std::string names;
    for (const char* command : {"run", "blur", "bench", "video"}) {
        if (spec.takes(command_bit(command))) names += (names.empty() ? "" : ", ") + std::string(command);
    }
    return names;
}

}  // namespace pixpool::cli
