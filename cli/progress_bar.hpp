#pragma once
/// The progress bar on a terminal, shared by `run` (images) and `video`
/// (frames): a bar, done/total, percent, rate, ETA and failures, fitted to
/// the terminal's width (re-read after SIGWINCH), and always the last line:
/// whatever else is printed during the run goes through print_above(),
/// which clears the bar, prints the text and draws the bar again below it.
/// Off a terminal the callers print their own plain lines instead.

#include <cstddef>
#include <functional>
#include <string>

namespace pixpool::cli {

/// What one bar shows.
struct ProgressFigures {
    std::size_t done = 0;    ///< really finished (ok, skipped or failed); never the cancelled
    std::size_t total = 0;   ///< 0: not known (a video without a frame count)
    std::size_t failed = 0;
    double rate = 0;          ///< per second
    double eta_seconds = -1;  ///< < 0: not known yet
    double elapsed_seconds = 0;
    /// Interrupted: stopped before the end (Ctrl-C, --halt).
    enum class State { Running, Finished, Interrupted } state = State::Running;
};

/// The rate's unit, long and short: {"images/s", "/s"}, {"fps", "fps"}.
struct RateUnit {
    const char* long_form;
    const char* short_form;
};

/// The bar's text for a terminal `columns` wide: at most columns - 2
/// characters (see kSpareColumns), all of them ASCII. As room shrinks the bar
/// shrinks, then goes, then the rate is shortened and the least important
/// fields go (rate, percent, ETA, failures); done/total stays to the last.
std::string fit_progress_line(const ProgressFigures& figures, const RateUnit& unit, int columns);

/// Two columns at the right stay empty: the cursor never sits in the last
/// column (where the next character would wrap the bar onto a new line), and
/// a ^C the terminal echoes lands on the bar's line, which the interrupt
/// message then clears, instead of wrapping to a line of its own.
constexpr int kSpareColumns = 2;

/// One bar on stderr, which must be a terminal. Only one exists at a time.
class ProgressBar {
public:
    explicit ProgressBar(RateUnit unit);
    /// Puts SIGWINCH's previous handling back. A bar left unfinished (an
    /// exception ends the run) keeps its line, so the error starts a new one.
    ~ProgressBar();
    ProgressBar(const ProgressBar&) = delete;
    ProgressBar& operator=(const ProgressBar&) = delete;

    /// Redraws the bar in place.
    void draw(const ProgressFigures& figures);
    /// Takes the figures without drawing (a redraw skipped to save time):
    /// the next line printed above the bar draws them.
    void update(const ProgressFigures& figures) { last_ = figures; }
    /// Prints `line` (one line, no newline) above the bar and redraws the
    /// bar below it, in one write.
    void print_above(const std::string& line);
    /// Runs `write`, which prints whole lines to this terminal by another
    /// stream (stdout: `--report -`), with the bar cleared; then draws it below.
    void clear_around(const std::function<void()>& write);
    /// Draws the final bar and leaves it on the screen, with a newline:
    /// the summary follows below it.
    void finish(const ProgressFigures& figures);

private:
    std::string clear_and_draw(const std::string& above);
    int columns();

    RateUnit unit_;
    ProgressFigures last_;
    int columns_ = 80;
    bool shown_ = false;  ///< drawn once: print_above draws it again
    bool finished_ = false;
};

}  // namespace pixpool::cli
