#include "interrupts.hpp"

#include <initializer_list>
#include <signal.h>
#include <unistd.h>

namespace pixpool::cli {

namespace {

volatile std::sig_atomic_t interrupts = 0;
/// The bar for the handler to draw again: two buffers, so the one it reads
/// is never the one being written. -1: no bar on the screen.
char bar_text[2][4096];
volatile std::sig_atomic_t bar_size[2] = {0, 0};
volatile std::sig_atomic_t bar_shown = -1;

void say(const char* text, std::size_t size) { (void)!::write(STDERR_FILENO, text, size); }

void on_interrupt(int) {
    interrupts = interrupts + 1;
    if (interrupts > 2) return;
    // Only async-signal-safe calls here. Each message gets a line of its
    // own: the progress bar's, cleared (with the ^C echoed on it), or a new one.
    static const char clear_line[] = "\r\033[K";
    static const char first[] = "pixpool: interrupted: finishing the files in progress (interrupt again to stop now)\n";
    static const char second[] = "pixpool: stopping now\n";
    const int bar = bar_shown;
    say(bar >= 0 ? clear_line : "\n", bar >= 0 ? sizeof clear_line - 1 : 1);
    if (interrupts == 1) {
        say(first, sizeof first - 1);
    } else {
        say(second, sizeof second - 1);
    }
    if (bar >= 0) say(bar_text[bar], static_cast<std::size_t>(bar_size[bar]));
}

}  // namespace

const volatile std::sig_atomic_t* install_interrupt_handlers() {
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    // A closed terminal (SIGHUP) and Ctrl-\ (SIGQUIT) stop a batch the same
    // way, instead of killing the master and leaving its temporaries behind.
    for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(signal, &action, nullptr);
    return &interrupts;
}

void set_progress_line(const std::string& bar) {
    if (bar.empty() || bar.size() > sizeof bar_text[0]) {
        bar_shown = -1;
        return;
    }
    const int next = bar_shown == 0 ? 1 : 0;
    bar.copy(bar_text[next], bar.size());
    bar_size[next] = static_cast<std::sig_atomic_t>(bar.size());
    bar_shown = next;
}

void stop_starting_files() {
    if (interrupts == 0) interrupts = 1;
}

}  // namespace pixpool::cli
