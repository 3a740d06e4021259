#pragma once
/// `run`'s progress on stderr. On a terminal, a bar (progress_bar.hpp);
/// elsewhere the plain line every five seconds, "pixpool: 27/48 (56%),
/// 7.5 images/s, ETA 0:02, 0 failed"; with -q or --dry-run, nothing.
///
/// The bar stays the last line because, while it is drawn, nothing but the
/// master writes to the terminal, and every write of the master clears the
/// bar's line, prints its text and draws the bar again in one write:
/// - the workers' stderr (spdlog's console sink at --log-level info, a
///   codec's loose message, a crash report) is one pipe that the pool's
///   poll loop drains into print() (PoolOptions::worker_stderr; no thread,
///   no blocking on a worker); inline, the log lines come to print() too;
/// - the interrupt handler's messages clear the bar's line and draw the
///   bar again below them (interrupts.hpp, set_progress_line);
/// - the summary and errors come after finish(), below the final bar.
/// Off a terminal the workers write to stderr themselves, as before.

#include "progress_bar.hpp"

#include <pixpool/batch.hpp>

#include <chrono>
#include <cstddef>
#include <memory>

namespace pixpool::cli {

class Progress {
public:
    explicit Progress(bool enabled);
    /// True when the bar is drawn on a terminal: then every line printed
    /// during the run must go through print().
    bool on_terminal() const { return bar_ != nullptr; }
    void planned(const std::vector<FileReport>& files);
    /// A file not processed because of an interrupt is not done: after an
    /// interrupt the bar shows what really was.
    void file_done(const FileReport& file);
    /// One line (a worker's log line) above the bar, or plainly on stderr.
    void print(const std::string& line);
    /// Runs `write`, which prints lines to stdout, above the bar when stdout
    /// is the bar's terminal too (`--report -` on a terminal).
    void print_to_stdout(const std::function<void()>& write);
    /// On a terminal, the final bar stays on the screen above the summary.
    void finish(bool interrupted);

private:
    ProgressFigures figures(ProgressFigures::State state) const;
    void draw_plain();

    bool enabled_;
    std::unique_ptr<ProgressBar> bar_;
    std::size_t total_ = 0, done_ = 0, failed_ = 0, skipped_ = 0;
    std::chrono::steady_clock::time_point started_, last_drawn_;
};

}  // namespace pixpool::cli
