#include "standard_streams.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>

namespace pixpool::cli {

namespace {

/// The extension for an image's first bytes, so the reader picks the right
/// decoder; "" when none matches.
std::string sniff_extension(const std::string& head) {
    auto starts = [&](const char* magic, std::size_t size, std::size_t at = 0) {
        return head.size() >= at + size && std::memcmp(head.data() + at, magic, size) == 0;
    };
    if (starts("\xFF\xD8\xFF", 3)) return "jpg";
    if (starts("\x89PNG", 4)) return "png";
    if (starts("RIFF", 4) && starts("WEBP", 4, 8)) return "webp";
    if (starts("II*\0", 4) || starts("MM\0*", 4)) return "tiff";
    if (starts("BM", 2)) return "bmp";
    if (head.size() >= 2 && head[0] == 'P' && head[1] >= '1' && head[1] <= '7') return "pnm";
    return "";
}

std::string read_stdin_image(const std::string& folder) {
    std::string bytes((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (bytes.empty()) throw UsageError("input - (stdin) is empty: pipe one image into pixpool");
    const std::string ext = sniff_extension(bytes.substr(0, 16));
    if (ext.empty()) throw UsageError("input - (stdin) is not an image pixpool can recognise (see 'pixpool formats')");
    const std::string path = folder + "/stdin." + ext;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out.flush()) throw UsageError("cannot store stdin in " + path);
    return path;
}

}  // namespace

StandardStreams::StandardStreams(BatchFlags& flags) {
    BatchOptions& b = flags.batch;
    const auto dashes = std::count(b.input.paths.begin(), b.input.paths.end(), "-");
    to_stdout_ = b.out_dir == "-";
    if (dashes == 0 && !to_stdout_) return;
    if (dashes > 1) throw UsageError("'-' (stdin) is given twice as an input");
    if (dashes == 1 && b.input.files_from == "-") throw UsageError("'-' and --files-from - both read stdin");
    if (to_stdout_ && ::isatty(STDOUT_FILENO)) {
        throw UsageError("-o - would write an image to the terminal: redirect stdout (> out.jpg) or pipe it");
    }
    if (to_stdout_ && flags.report == "-") throw UsageError("-o - and --report - cannot both use stdout");
    scratch_ = std::make_unique<ScratchFolder>();
    if (dashes == 1) std::replace(b.input.paths.begin(), b.input.paths.end(), std::string("-"),
                                  read_stdin_image(scratch_->path()));
    if (to_stdout_) {
        b.out_dir = scratch_->path() + "/out";
        b.overwrite = true;  // nothing to resume: the output lives only until it is sent
    }
}

void StandardStreams::planned(std::size_t files) const {
    if (to_stdout_ && files != 1) {
        throw UsageError("-o - writes one image to stdout, but the inputs are " + std::to_string(files) + " files");
    }
}

bool StandardStreams::send(const BatchReport& report) const {
    if (!to_stdout_ || report.files.size() != 1 || report.files[0].status != Status::Ok) return false;
    std::ifstream in(report.files[0].output, std::ios::binary);
    std::cout << in.rdbuf() << std::flush;
    return in.good() || in.eof() ? static_cast<bool>(std::cout) : false;
}

}  // namespace pixpool::cli
