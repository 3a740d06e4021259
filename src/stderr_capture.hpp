#pragma once
/// Codecs (libjpeg, libpng, libtiff) print their warnings straight to
/// stderr, where they would reach the terminal with no file name attached.
/// While a StderrCapture lives, this process's stderr goes to an in-memory
/// file instead; take() returns what was written. Workers are single-threaded,
/// so nothing else writes to stderr meanwhile.

#include <string>

namespace pixpool::detail {

class StderrCapture {
public:
    StderrCapture();
    ~StderrCapture();
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    /// Restores stderr and returns what was captured (trailing newline trimmed).
    std::string take();

private:
    int saved_ = -1;
    int capture_ = -1;
};

}  // namespace pixpool::detail
