/// `pixpool run` (and blur): the batch with progress, report and summary.
/// Data goes to stdout (the plan, the --report - lines); the progress, the
/// summary and every diagnostic go to stderr; -q leaves only the errors.

#include "commands.hpp"
#include "halt.hpp"
#include "interrupts.hpp"
#include "preflight.hpp"
#include "progress.hpp"
#include "report_file.hpp"
#include "standard_streams.hpp"

#include <iostream>
#include <memory>
#include <sstream>

namespace pixpool::cli {

int exit_status_of(const BatchReport& report) {
    if (report.interrupted) return kInterrupted;
    return report.failed > 0 ? kSomeFailed : kOk;
}

namespace {

/// --dry-run: the plan on stdout, one line per input; refusals on stderr.
void print_plan(const BatchReport& report, const Shard& shard, bool quiet) {
    for (const FileReport& file : report.files) {
        if (file.status == Status::Failed) {
            std::cerr << "pixpool: error: " << file.error << "\n";
        } else if (file.skipped) {
            std::cout << "skip (up to date): " << file.input << " -> " << file.output << "\n";
        } else {
            std::cout << "write: " << file.input << " -> " << file.output << "\n";
        }
    }
    for (const UnsupportedFile& file : report.unsupported) {
        std::cout << "skip (" << file.reason << "): " << file.input << "\n";
    }
    std::cout << std::flush;
    if (quiet) return;
    std::size_t to_write = report.files.size() - report.failed - report.skipped;
    const std::string of_shard = shard.whole() ? "" : " (shard " + shard.label() + ")";
    std::cerr << "pixpool: dry run" << of_shard << ": " << to_write << " to write, " << report.skipped << " up to date, "
              << report.failed << " refused; nothing was written\n";
}

/// The summary on stderr; with -q only its error lines.
void print_summary(const BatchReport& report, bool quiet) {
    const std::string summary = summarize(report);
    if (!quiet) {
        std::cerr << "pixpool: " << summary << std::flush;
        return;
    }
    std::istringstream lines(summary);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("  error: ", 0) == 0) std::cerr << "pixpool: error: " << line.substr(9) << "\n";
    }
}

}  // namespace

int run_command(BatchFlags& flags) {
    finish_batch_flags(flags);
    check_no_filter_as_input(flags);
    Halt halt(flags);
    StandardStreams streams(flags);
    BatchOptions& batch = flags.batch;
    batch.interrupts = install_interrupt_handlers();

    Progress progress(!flags.quiet && !batch.dry_run);
    std::unique_ptr<ReportFile> report_file;
    if (!flags.report.empty() && !batch.dry_run) report_file = std::make_unique<ReportFile>(flags.report);
    BatchCallbacks callbacks;
    // On a terminal, what the workers print goes above the bar (progress.hpp).
    if (progress.on_terminal()) callbacks.worker_stderr = [&](const std::string& line) { progress.print(line); };
    callbacks.planned = [&](const std::vector<FileReport>& files) {
        // Before any work: nothing to do, or nowhere to write, is a usage error.
        if (files.empty()) throw UsageError(no_inputs_message(flags));
        streams.planned(files.size());
        if (!batch.dry_run && !batch.out_dir.empty()) check_output_folder_writable(batch.out_dir);
        halt.planned(files.size());
        progress.planned(files);
    };
    callbacks.file_done = [&](const FileReport& file) {
        progress.file_done(file);
        if (report_file) progress.print_to_stdout([&] { report_file->file_done(file); });
        const bool failed = file.status != Status::Ok && file.status != Status::Cancelled;
        if (halt.file_done(failed)) stop_starting_files();
    };
    BatchReport report = run_batch(batch, callbacks);
    progress.finish(report.interrupted);
    if (batch.dry_run) {
        print_plan(report, batch.shard, flags.quiet);
        return report.failed > 0 ? kSomeFailed : kOk;
    }
    if (report_file) {
        for (const UnsupportedFile& file : report.unsupported) report_file->unsupported(file);
        report_file->summary(report);
    }
    const bool sent = streams.send(report);
    print_summary(report, flags.quiet);
    if (report_file && !report_file->error().empty()) {
        std::cerr << "pixpool: error: cannot write the report " << (flags.report == "-" ? "to stdout" : flags.report)
                  << ": " << report_file->error() << " (it is incomplete)\n";
        return report.interrupted && !halt.halted() ? kInterrupted : kSomeFailed;
    }
    if (halt.halted()) {
        std::cerr << "pixpool: " << halt.reason() << "\n";
        return kSomeFailed;
    }
    if (streams.output_to_stdout() && !sent && report.failed == 0 && !report.interrupted) {
        std::cerr << "pixpool: error: cannot write the image to stdout\n";
        return kSomeFailed;
    }
    return exit_status_of(report);
}

}  // namespace pixpool::cli
