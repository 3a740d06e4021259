#include "commands.hpp"
#include "interrupts.hpp"

#include <pixpool/filters.hpp>

#include <cstdio>
#include <iostream>

namespace pixpool::cli {

int exit_status_of(const BatchReport& report) {
    if (report.interrupted) return kInterrupted;
    return report.failed > 0 ? kSomeFailed : kOk;
}

int run_command(BatchFlags& flags) {
    finish_batch_flags(flags);
    flags.batch.interrupts = install_interrupt_handlers();
    BatchReport report = run_batch(flags.batch);
    std::cout << "pixpool: " << summarize(report) << std::flush;
    return exit_status_of(report);
}

int filters_command() {
    std::cout << filters::describe_filters();
    return kOk;
}

}  // namespace pixpool::cli
