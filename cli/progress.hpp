#pragma once
/// The progress line on stderr: on a terminal, redrawn in place (done/total,
/// percent, images/s, ETA, failures); elsewhere, a plain line every few
/// seconds. Worker log lines on the same terminal begin by clearing the line
/// (see progress_log_prefix), so the two never garble each other.

#include <pixpool/batch.hpp>

#include <chrono>
#include <cstddef>

namespace pixpool::cli {

class Progress {
public:
    explicit Progress(bool enabled);
    void planned(const std::vector<FileReport>& files);
    void file_done(const FileReport& file);
    /// Clears the line before the summary is printed.
    void finish();

private:
    void draw(bool final);

    bool enabled_;
    bool terminal_;
    std::size_t total_ = 0, done_ = 0, failed_ = 0, skipped_ = 0;
    std::chrono::steady_clock::time_point started_, last_drawn_;
};

/// What worker log lines start with when they share the terminal with the
/// progress line: "\r\033[K" (back to column 0, clear the line), or "".
std::string progress_log_prefix(bool progress_enabled, bool logs_to_stderr);

}  // namespace pixpool::cli
