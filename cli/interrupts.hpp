#pragma once
/// SIGINT, SIGTERM, SIGHUP and SIGQUIT for the CLI: the handler only counts (ninja's rule: a
/// handler sets a flag). The pool reads the count: 1 finishes what is
/// running and starts nothing new, 2 kills the workers at once.

#include <csignal>
#include <string>

namespace pixpool::cli {

/// Installs the handlers (no SA_RESTART, so poll wakes up) and returns the count.
const volatile std::sig_atomic_t* install_interrupt_handlers();

/// What a first interrupt does, without its message: --halt uses it to stop
/// starting files once enough have failed.
void stop_starting_files();

/// The progress bar now on the terminal's last line ("": none). An
/// interrupt message then clears that line (and the ^C the terminal echoed
/// on it), prints itself and draws this bar again below it, so the bar
/// stays the last line.
void set_progress_line(const std::string& bar);

}  // namespace pixpool::cli
