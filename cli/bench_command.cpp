/// `pixpool bench`: the same batch inline and then on the pool, into
/// temporary folders, to show what the parallelism buys.

#include "commands.hpp"
#include "interrupts.hpp"
#include "scratch_folder.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace fs = std::filesystem;

namespace pixpool::cli {

namespace {

void print_side(const char* label, const BatchReport& report) {
    double seconds = std::max(report.wall_seconds, 1e-9);
    std::printf("  %-22s %8.2f s  %7.2f images/s  %7.2f MP/s  (%zu ok, %zu failed)\n", label, report.wall_seconds,
                report.ok / seconds, report.megapixels / seconds, report.ok, report.failed);
}

}  // namespace

int bench_command(BatchFlags& flags) {
    finish_batch_flags(flags);
    flags.batch.interrupts = install_interrupt_handlers();
    ScratchFolder sequential_out, parallel_out;

    BatchOptions sequential = flags.batch;
    sequential.run_inline = true;
    sequential.out_dir = sequential_out.path();
    BatchOptions parallel = flags.batch;
    parallel.run_inline = false;
    parallel.out_dir = parallel_out.path();

    // On purpose, so the inline run is a one-core baseline like one worker
    // (run_batch never tunes its host by itself).
    prepare_worker_process();
    // The pool runs first: the inline run decodes every image in this very
    // process, and a master whose heap has grown to hold them forks slowly
    // and hands its workers copy-on-write pages to fault in again.
    BatchReport par = run_batch(parallel);
    if (par.interrupted) return kInterrupted;
    BatchReport seq = run_batch(sequential);
    if (seq.interrupted) return kInterrupted;

    std::string chain;
    for (const auto& spec : flags.batch.filter_specs) chain += (chain.empty() ? "" : " ") + spec;
    std::printf("pixpool bench: %zu files, filters: %s\n", seq.files.size(), chain.empty() ? "(none)" : chain.c_str());
    print_side("sequential (inline)", seq);
    std::string label = "parallel (" + std::to_string(par.workers) + " workers)";
    print_side(label.c_str(), par);
    double speedup = seq.wall_seconds / std::max(par.wall_seconds, 1e-9);
    double efficiency = par.workers > 0 ? speedup / par.workers : 0;
    std::printf("  speedup %.2fx, parallel efficiency %.2f (speedup / workers)\n", speedup, efficiency);
    if (seq.failed + par.failed > 0) std::cerr << "pixpool: " << summarize(par) << std::flush;
    return std::max(exit_status_of(seq), exit_status_of(par));
}

}  // namespace pixpool::cli
