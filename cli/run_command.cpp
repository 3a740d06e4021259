#include "commands.hpp"
#include "interrupts.hpp"
#include "progress.hpp"
#include "report_file.hpp"

#include <pixpool/filters.hpp>

#include <iostream>
#include <memory>

namespace pixpool::cli {

int exit_status_of(const BatchReport& report) {
    if (report.interrupted) return kInterrupted;
    return report.failed > 0 ? kSomeFailed : kOk;
}

namespace {

/// --dry-run: the plan, one line per input.
void print_plan(const BatchReport& report, const Shard& shard) {
    for (const FileReport& file : report.files) {
        if (file.status == Status::Failed) {
            std::cout << "error: " << file.error << "\n";
        } else if (file.skipped) {
            std::cout << "skip (up to date): " << file.input << " -> " << file.output << "\n";
        } else {
            std::cout << "write: " << file.input << " -> " << file.output << "\n";
        }
    }
    std::size_t to_write = report.files.size() - report.failed - report.skipped;
    const std::string of_shard = shard.whole() ? "" : " (shard " + shard.label() + ")";
    std::cout << "pixpool: dry run" << of_shard << ": " << to_write << " to write, " << report.skipped << " up to date, "
              << report.failed << " refused; nothing was written\n";
}

}  // namespace

int run_command(BatchFlags& flags) {
    finish_batch_flags(flags);
    BatchOptions& batch = flags.batch;
    const bool show_progress = !flags.quiet && !batch.dry_run;
    batch.log.pattern = progress_log_prefix(show_progress, batch.log.file_template.empty()) + batch.log.pattern;
    batch.interrupts = install_interrupt_handlers();

    Progress progress(show_progress);
    std::unique_ptr<ReportFile> report_file;
    if (!flags.report.empty() && !batch.dry_run) report_file = std::make_unique<ReportFile>(flags.report);
    BatchCallbacks callbacks;
    callbacks.planned = [&](const std::vector<FileReport>& files) { progress.planned(files); };
    callbacks.file_done = [&](const FileReport& file) {
        progress.file_done(file);
        if (report_file) report_file->file_done(file);
    };
    BatchReport report = run_batch(batch, callbacks);
    progress.finish();
    if (batch.dry_run) {
        print_plan(report, batch.shard);
        return report.failed > 0 ? kSomeFailed : kOk;
    }
    if (report_file) report_file->summary(report);
    // With the report on stdout, stdout stays pure JSON Lines.
    (flags.report == "-" ? std::cerr : std::cout) << "pixpool: " << summarize(report) << std::flush;
    if (report_file && !report_file->error().empty()) {
        std::cerr << "pixpool: error: cannot write the report " << (flags.report == "-" ? "to stdout" : flags.report)
                  << ": " << report_file->error() << " (it is incomplete)\n";
        return report.interrupted ? kInterrupted : kSomeFailed;
    }
    return exit_status_of(report);
}

int filters_command() {
    std::cout << filters::describe_filters();
    return kOk;
}

}  // namespace pixpool::cli
