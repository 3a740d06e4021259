/// `pixpool bench`: the same batch inline and then on the pool, into
/// temporary folders, to show what the parallelism buys; with --workers
/// (or --plot), the batch once per worker count, a speedup table, an
/// Amdahl fit and an SVG plot.

#include "amdahl_fit.hpp"
#include "commands.hpp"
#include "interrupts.hpp"
#include "scratch_folder.hpp"
#include "speedup_plot.hpp"

#include <pixpool/pool.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>

namespace pixpool::cli {

namespace {

void print_side(const char* label, const BatchReport& report) {
    double seconds = std::max(report.wall_seconds, 1e-9);
    std::printf("  %-22s %8.2f s  %7.2f images/s  %7.2f MP/s  (%zu ok, %zu failed)\n", label, report.wall_seconds,
                report.ok / seconds, report.megapixels / seconds, report.ok, report.failed);
}

std::string chain_text(const BatchFlags& flags) {
    std::string chain;
    for (const auto& spec : flags.batch.filter_specs) chain += (chain.empty() ? "" : " ") + spec;
    return chain.empty() ? "(none)" : chain;
}

/// Where the batch runs: inline, or on a pool of `workers` (0: the usable CPUs).
struct Runner {
    bool inline_run;
    int workers;
};

/// The batch as `runner` says, into a scratch folder removed as soon as it is timed.
BatchReport time_batch(const BatchFlags& flags, Runner runner) {
    ScratchFolder out;
    BatchOptions options = flags.batch;
    options.run_inline = runner.inline_run;
    options.jobs = runner.workers;
    options.out_dir = out.path();
    return run_batch(options);
}

/// Without --workers: inline against the pool at -j (default: the usable CPUs).
int compare_inline_and_pool(const BatchFlags& flags) {
    // On purpose, so the inline run is a one-core baseline like one worker
    // (run_batch never tunes its host by itself).
    prepare_worker_process();
    // The pool runs first: the inline run decodes every image in this very
    // process, and a master whose heap has grown to hold them forks slowly
    // and hands its workers copy-on-write pages to fault in again.
    BatchReport par = time_batch(flags, {false, flags.batch.jobs});
    if (par.interrupted) return kInterrupted;
    BatchReport seq = time_batch(flags, {true, 0});
    if (seq.interrupted) return kInterrupted;

    std::printf("pixpool bench: %zu files, filters: %s\n", seq.files.size(), chain_text(flags).c_str());
    print_side("sequential (inline)", seq);
    std::string label = "parallel (" + std::to_string(par.workers) + " workers)";
    print_side(label.c_str(), par);
    double speedup = seq.wall_seconds / std::max(par.wall_seconds, 1e-9);
    double efficiency = par.workers > 0 ? speedup / par.workers : 0;
    std::printf("  speedup %.2fx, parallel efficiency %.2f (speedup / workers)\n", speedup, efficiency);
    if (seq.failed + par.failed > 0) std::cerr << "pixpool: " << summarize(par) << std::flush;
    return std::max(exit_status_of(seq), exit_status_of(par));
}

/// --workers as given (each a positive whole number, none twice), ascending;
/// --plot alone: 1 and -j (default: the usable CPUs).
std::vector<int> worker_counts(const BatchFlags& flags) {
    if (flags.bench_workers.empty()) {
        const int most = flags.batch.jobs > 0 ? flags.batch.jobs : usable_cpus();
        return most > 1 ? std::vector<int>{1, most} : std::vector<int>{1};
    }
    if (flags.batch.jobs > 0) throw UsageError("bench takes --workers or -j, not both: --workers sets every count");
    // Split here, not by CLI11, which drops the empty item of "1,,2".
    std::vector<std::string> items;
    for (const std::string& value : flags.bench_workers) {
        for (std::size_t start = 0, comma = 0; comma != std::string::npos; start = comma + 1) {
            comma = value.find(',', start);
            items.push_back(value.substr(start, comma == std::string::npos ? comma : comma - start));
        }
    }
    std::set<int> counts;
    for (const std::string& text : items) {
        const bool digits =
            !text.empty() && text.size() <= 4 && text.find_first_not_of("0123456789") == std::string::npos;
        const int count = digits ? std::atoi(text.c_str()) : 0;
        if (count < 1 || count > 1024) {
            throw UsageError("--workers takes worker counts from 1 to 1024 separated by commas (e.g. 1,2,4), not '" +
                             text + "'");
        }
        if (!counts.insert(count).second) throw UsageError("--workers lists " + text + " twice");
    }
    return {counts.begin(), counts.end()};
}

void print_series_row(const std::string& workers, const BatchReport& report, double speedup, int count) {
    const double seconds = std::max(report.wall_seconds, 1e-9);
    std::printf("  %10s %9.2f %10.2f %8.2f %8.2fx %11.2f\n", workers.c_str(), report.wall_seconds,
                report.ok / seconds, report.megapixels / seconds, speedup, speedup / count);
}

/// --workers 1,2,4: the batch once per count, largest first (the first run
/// also reads the inputs into the page cache, and that would flatter the
/// baseline's speedups if the one-worker run paid for it), then the table.
int time_worker_series(const BatchFlags& flags) {
    const std::vector<int> counts = worker_counts(flags);
    if (!flags.plot.empty()) check_plot_path(flags.plot);
    const bool baseline_asked = counts.front() == 1;
    std::vector<int> runs = counts;
    if (!baseline_asked) runs.insert(runs.begin(), 1);

    std::map<int, BatchReport> reports;
    for (auto count = runs.rbegin(); count != runs.rend(); ++count) {
        BatchReport report = time_batch(flags, {false, *count});
        if (report.interrupted) return kInterrupted;
        reports.emplace(*count, std::move(report));
    }

    const BatchReport& baseline = reports.at(1);
    std::printf("pixpool bench: %zu files, filters: %s\n", baseline.files.size(), chain_text(flags).c_str());
    std::printf("  %10s %9s %10s %8s %9s %11s\n", "workers", "seconds", "images/s", "MP/s", "speedup", "efficiency");
    SpeedupPlot plot{chain_text(flags), baseline.files.size(), {}, std::nullopt};
    int status = kOk;
    const BatchReport* first_with_failures = nullptr;
    for (const int count : runs) {
        const BatchReport& report = reports.at(count);
        const double speedup = baseline.wall_seconds / std::max(report.wall_seconds, 1e-9);
        const bool is_extra_baseline = count == 1 && !baseline_asked;
        print_series_row(is_extra_baseline ? "1 (base)" : std::to_string(count), report, speedup, count);
        if (!is_extra_baseline) plot.points.push_back({count, speedup});
        if (report.failed > 0 && !first_with_failures) first_with_failures = &report;
        status = std::max(status, exit_status_of(report));
    }
    std::printf(baseline_asked ? "  speedup against 1 worker; efficiency = speedup / workers\n"
                               : "  speedup against 1 worker, timed as the baseline (1 is not in --workers); "
                                 "efficiency = speedup / workers\n");
    if (reports.at(counts.back()).workers < counts.back()) {
        const int most = reports.at(counts.back()).workers;
        std::printf("  note: %zu file%s, so at most %d worker%s ran at once\n", baseline.files.size(),
                    baseline.files.size() == 1 ? "" : "s", most, most == 1 ? "" : "s");
    }
    plot.serial_fraction = fit_serial_fraction(plot.points);
    if (plot.serial_fraction) {
        std::printf("  serial fraction f = %.2f (Amdahl fit)\n", *plot.serial_fraction);
        const bool slower = std::any_of(plot.points.begin(), plot.points.end(),
                                        [](const MeasuredSpeedup& p) { return p.workers > 1 && p.speedup < 1; });
        // Amdahl's law has no slowdown: say what one usually means.
        if (slower) {
            std::printf("  more workers were slower: too little work for their start-up, or the CPUs were busy\n");
        }
    } else {
        std::printf("  serial fraction: not fitted (it needs a count above 1)\n");
    }
    if (first_with_failures) {
        std::fflush(stdout);  // the failures below the table, not inside it
        std::cerr << "pixpool: " << summarize(*first_with_failures) << std::flush;
    }
    if (flags.plot.empty()) return status;
    try {
        write_speedup_svg(flags.plot, plot);
        std::printf("  plot: %s\n", flags.plot.c_str());
    } catch (const std::runtime_error& e) {
        std::cerr << "pixpool: error: " << e.what() << "\n";
        return std::max(status, int(kSomeFailed));
    }
    return status;
}

}  // namespace

int bench_command(BatchFlags& flags) {
    finish_batch_flags(flags);
    flags.batch.interrupts = install_interrupt_handlers();
    if (flags.bench_workers.empty() && flags.plot.empty()) return compare_inline_and_pool(flags);
    return time_worker_series(flags);
}

}  // namespace pixpool::cli
