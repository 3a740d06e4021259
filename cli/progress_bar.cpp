#include "progress_bar.hpp"

#include "interrupts.hpp"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace pixpool::cli {

namespace {

/// A bar narrower than this says little: the fields get the room instead.
constexpr std::size_t kSmallestBar = 10;

volatile std::sig_atomic_t resized = 0;
struct sigaction previous_winch {};

/// SIGWINCH only sets a flag (the width is re-read at the next draw). With
/// SA_RESTART, so a resize never makes the master's reads and writes fail
/// with EINTR; the pool's ppoll still wakes up, and simply polls again.
void on_resize(int) { resized = 1; }

std::string clock_text(double seconds) {
    const long s = static_cast<long>(std::max(0.0, seconds) + 0.5);
    char text[32];
    if (s >= 3600) {
        std::snprintf(text, sizeof text, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    } else {
        std::snprintf(text, sizeof text, "%ld:%02ld", s / 60, s % 60);
    }
    return text;
}

std::string format(const char* pattern, double value, const char* unit) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, value, unit);
    return text;
}

std::string joined(const std::vector<std::string>& fields, const char* separator) {
    std::string line;
    for (const std::string& field : fields) {
        if (field.empty()) continue;
        line += (line.empty() ? "" : separator) + field;
    }
    return line;
}

/// "[#######.........] " for `cells` cells between the brackets.
std::string bar_text(const ProgressFigures& f, std::size_t cells) {
    const std::size_t filled = std::min(cells, f.done * cells / f.total);
    return "[" + std::string(filled, '#') + std::string(cells - filled, '.') + "] ";
}

}  // namespace

std::string fit_progress_line(const ProgressFigures& f, const RateUnit& unit, int columns) {
    const auto room = static_cast<std::size_t>(std::max(1, columns - kSpareColumns));
    const std::string count = std::to_string(f.done) + (f.total ? "/" + std::to_string(f.total) : "");
    const std::string percent =
        f.total ? std::to_string(std::min<std::size_t>(100, f.done * 100 / f.total)) + "%" : "";
    std::string time;
    if (f.state == ProgressFigures::State::Interrupted) {
        time = "stopped";  // by an interrupt or --halt
    } else if (f.state == ProgressFigures::State::Finished) {
        time = "in " + clock_text(f.elapsed_seconds);
    } else if (f.total) {
        time = "ETA " + (f.eta_seconds >= 0 ? clock_text(f.eta_seconds) : std::string("-:--"));
    }
    const std::string failed = std::to_string(f.failed) + " failed";
    const std::string rate_long = format("%.1f %s", f.rate, unit.long_form);
    const std::string rate_short = format(unit.short_form[0] == '/' ? "%.1f%s" : "%.1f %s", f.rate, unit.short_form);

    // Today's plain line, then ever shorter ones.
    const std::string full = joined({count + (percent.empty() ? "" : " (" + percent + ")"), rate_long, time, failed}, ", ");
    if (f.total && full.size() + 1 + 2 + kSmallestBar <= room) {
        return bar_text(f, room - full.size() - 2 - 1) + full;
    }
    const std::vector<std::string> shorter = {
        full,
        joined({count, percent, rate_short, time, failed}, " "),
        joined({count, percent, time, failed}, " "),
        joined({count, time, failed}, " "),
        joined({count, failed}, " "),
        count,
    };
    for (const std::string& line : shorter) {
        if (line.size() <= room) return line;
    }
    return count.substr(0, room);
}

ProgressBar::ProgressBar(RateUnit unit) : unit_(unit) {
    struct sigaction action {};
    action.sa_handler = on_resize;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGWINCH, &action, &previous_winch);
    resized = 1;  // read the width at the first draw
}

ProgressBar::~ProgressBar() {
    ::sigaction(SIGWINCH, &previous_winch, nullptr);
    set_progress_line("");
    if (shown_ && !finished_) std::fputs("\n", stderr);
}

int ProgressBar::columns() {
    if (resized) {
        resized = 0;
        winsize size{};
        if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) columns_ = size.ws_col;
    }
    return columns_;
}

/// Back to the line's start, clear it, print what goes above, then the bar.
std::string ProgressBar::clear_and_draw(const std::string& above) {
    const std::string bar = fit_progress_line(last_, unit_, columns());
    set_progress_line(bar);
    return "\r\033[K" + above + bar;
}

void ProgressBar::draw(const ProgressFigures& figures) {
    if (finished_) return;
    last_ = figures;
    const std::string text = clear_and_draw("");
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
    shown_ = true;
}

void ProgressBar::print_above(const std::string& line) {
    const std::string text = shown_ && !finished_ ? clear_and_draw(line + "\n") : line + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
}

void ProgressBar::clear_around(const std::function<void()>& write) {
    if (!shown_ || finished_) return write();
    set_progress_line("");
    std::fputs("\r\033[K", stderr);
    std::fflush(stderr);
    write();
    draw(last_);
}

void ProgressBar::finish(const ProgressFigures& figures) {
    if (finished_) return;
    draw(figures);
    finished_ = true;
    set_progress_line("");  // before the newline: an interrupt now must not draw it twice
    std::fputs("\n", stderr);
    std::fflush(stderr);
}

}  // namespace pixpool::cli
