#pragma once
/// What each subcommand does once its options are parsed. Each returns the
/// process exit status: 0 all ok, 1 some files failed, 2 usage or
/// configuration error, 130 interrupted.

#include "batch_options.hpp"

#include <string>
#include <vector>

namespace pixpool::cli {

enum ExitStatus { kOk = 0, kSomeFailed = 1, kUsage = 2, kInterrupted = 130 };

int run_command(BatchFlags& flags);
int bench_command(BatchFlags& flags);
/// `pixpool filters [NAME]`: every filter, or one.
int filters_command(const std::string& name);
/// `pixpool formats`: the format table.
int formats_command();

/// `pixpool status OUT` (status_command.cpp).
int status_command(const std::string& out_dir);
/// `pixpool merge-reports A.jsonl B.jsonl ...` (merge_reports.cpp).
int merge_reports_command(const std::vector<std::string>& reports);

/// The exit status of a finished batch.
int exit_status_of(const BatchReport& report);

}  // namespace pixpool::cli
