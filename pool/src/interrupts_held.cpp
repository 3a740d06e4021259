#include "interrupts_held.hpp"

#include <initializer_list>
#include <pthread.h>

namespace pixpool::detail {

Master::InterruptsHeld::InterruptsHeld(Master& master) : master_(master) {
    if (!master.options_.interrupts) return;
    held_ = true;
    if (master.interrupt_holds_++ > 0) return;
    sigset_t watched;
    sigemptyset(&watched);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&watched, sig);
    ::pthread_sigmask(SIG_BLOCK, &watched, &master.waiting_mask_);
}

Master::InterruptsHeld::~InterruptsHeld() {
    if (!held_ || --master_.interrupt_holds_ > 0) return;
    ::pthread_sigmask(SIG_SETMASK, &master_.waiting_mask_, nullptr);
}

}  // namespace pixpool::detail
