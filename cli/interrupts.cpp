#include "interrupts.hpp"

#include <initializer_list>
#include <signal.h>
#include <unistd.h>

namespace pixpool::cli {

namespace {

volatile std::sig_atomic_t interrupts = 0;

void on_interrupt(int) {
    interrupts = interrupts + 1;
    // Only async-signal-safe calls here.
    static const char first[] =
        "\npixpool: interrupted: finishing the files in progress (interrupt again to stop now)\n";
    static const char second[] = "\npixpool: stopping now\n";
    if (interrupts == 1) {
        (void)!::write(STDERR_FILENO, first, sizeof first - 1);
    } else if (interrupts == 2) {
        (void)!::write(STDERR_FILENO, second, sizeof second - 1);
    }
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

void stop_starting_files() {
    if (interrupts == 0) interrupts = 1;
}

}  // namespace pixpool::cli
