#include "progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace pixpool::cli {

using Clock = std::chrono::steady_clock;

namespace {

constexpr RateUnit kImages{"images/s", "/s"};
/// Redraws at most this often: a bar redrawn per file would cost a fast
/// batch more than its files do. Lines printed above it redraw it at once.
constexpr auto kTerminalInterval = std::chrono::milliseconds(100);
constexpr auto kPlainInterval = std::chrono::seconds(5);

}  // namespace

Progress::Progress(bool enabled) : enabled_(enabled) {
    if (enabled && ::isatty(STDERR_FILENO) == 1) bar_ = std::make_unique<ProgressBar>(kImages);
}

void Progress::planned(const std::vector<FileReport>& files) {
    total_ = files.size();
    started_ = last_drawn_ = Clock::now();
    if (bar_ && total_ > 0) bar_->draw(figures(ProgressFigures::State::Running));
}

void Progress::file_done(const FileReport& file) {
    if (file.status == Status::Cancelled) return;
    ++done_;
    skipped_ += file.skipped;
    failed_ += file.status != Status::Ok;
    if (!enabled_ || total_ == 0) return;
    if (bar_) bar_->update(figures(ProgressFigures::State::Running));
    const auto now = Clock::now();
    if (done_ < total_ && now - last_drawn_ < (bar_ ? kTerminalInterval : kPlainInterval)) return;
    last_drawn_ = now;
    if (bar_) {
        bar_->draw(figures(ProgressFigures::State::Running));
    } else {
        draw_plain();
    }
}

void Progress::print(const std::string& line) {
    if (bar_) {
        bar_->print_above(line);
    } else {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
}

void Progress::print_to_stdout(const std::function<void()>& write) {
    if (bar_ && ::isatty(STDOUT_FILENO) == 1) return bar_->clear_around(write);
    write();
}

void Progress::finish(bool interrupted) {
    if (!bar_ || total_ == 0) return;
    bar_->finish(figures(interrupted ? ProgressFigures::State::Interrupted : ProgressFigures::State::Finished));
}

ProgressFigures Progress::figures(ProgressFigures::State state) const {
    ProgressFigures f;
    f.done = done_;
    f.total = total_;
    f.failed = failed_;
    f.state = state;
    f.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    f.rate = f.elapsed_seconds > 0 ? (done_ - skipped_) / f.elapsed_seconds : 0;
    if (f.rate > 0) f.eta_seconds = (total_ - done_) / f.rate;
    return f;
}

void Progress::draw_plain() {
    const ProgressFigures f = figures(ProgressFigures::State::Running);
    const double eta = f.eta_seconds > 0 ? f.eta_seconds : 0;
    std::fprintf(stderr, "pixpool: %zu/%zu (%.0f%%), %.1f images/s, ETA %d:%02d, %zu failed\n", done_, total_,
                 100.0 * done_ / total_, f.rate, int(eta) / 60, int(eta) % 60, failed_);
    std::fflush(stderr);
}

}  // namespace pixpool::cli
