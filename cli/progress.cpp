#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace pixpool::cli {

using Clock = std::chrono::steady_clock;

Progress::Progress(bool enabled) : enabled_(enabled), terminal_(::isatty(STDERR_FILENO) == 1) {}

void Progress::planned(const std::vector<FileReport>& files) {
    total_ = files.size();
    started_ = last_drawn_ = Clock::now();
}

void Progress::file_done(const FileReport& file) {
    ++done_;
    skipped_ += file.skipped;
    failed_ += file.status != Status::Ok && file.status != Status::Cancelled;
    draw(false);
}

void Progress::finish() {
    if (!enabled_ || !terminal_ || total_ == 0) return;
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
}

void Progress::draw(bool final) {
    if (!enabled_ || total_ == 0) return;
    auto now = Clock::now();
    auto interval = terminal_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
    if (!final && done_ < total_ && now - last_drawn_ < interval) return;
    last_drawn_ = now;
    double elapsed = std::chrono::duration<double>(now - started_).count();
    std::size_t worked = done_ - skipped_;
    double rate = elapsed > 0 ? worked / elapsed : 0;
    double eta = rate > 0 ? (total_ - done_) / rate : 0;
    char line[200];
    std::snprintf(line, sizeof line, "%zu/%zu (%.0f%%), %.1f images/s, ETA %d:%02d, %zu failed", done_, total_,
                  100.0 * done_ / total_, rate, int(eta) / 60, int(eta) % 60, failed_);
    if (terminal_) {
        std::fprintf(stderr, "\r\033[K%s", line);
    } else {
        std::fprintf(stderr, "pixpool: %s\n", line);
    }
    std::fflush(stderr);
}

std::string progress_log_prefix(bool progress_enabled, bool logs_to_stderr) {
    return progress_enabled && logs_to_stderr && ::isatty(STDERR_FILENO) == 1 ? "\r\033[K" : "";
}

}  // namespace pixpool::cli
