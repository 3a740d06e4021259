/// `pixpool merge-reports A.jsonl B.jsonl ...`: the --report files of a
/// batch's shards as one, on stdout: one row per input (sorted; when an
/// input is in several reports, the last one named wins, as a rerun's
/// report comes after the first run's) and a summary over all of them.

#include "commands.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <map>

namespace pixpool::cli {

namespace {

using Row = nlohmann::ordered_json;

struct Merged {
    std::map<std::string, Row> rows;  ///< by input
    std::size_t reports = 0, without_summary = 0, replaced = 0, bad_lines = 0;
    double wall_seconds = 0;
    long workers = 0;
};

void read_report(const std::string& path, Merged& merged) {
    std::ifstream in(path);
    if (!in) throw UsageError("cannot read the report " + path);
    ++merged.reports;
    bool summary_seen = false;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        Row row = Row::parse(line, nullptr, /*allow_exceptions=*/false);
        if (row.is_object() && row.value("summary", false)) {
            summary_seen = true;
            merged.wall_seconds = std::max(merged.wall_seconds, row.value("wall_seconds", 0.0));
            merged.workers += row.value("workers", 0L);
        } else if (row.is_object() && row.contains("input") && row["input"].is_string()) {
            const std::string input = row["input"];
            merged.replaced += merged.rows.count(input);
            merged.rows[input] = std::move(row);
        } else if (!line.empty()) {
            ++merged.bad_lines;
            std::cerr << "pixpool: " << path << ": line " << number << " is not a report row; skipped\n";
        }
    }
    if (!summary_seen) {
        ++merged.without_summary;
        std::cerr << "pixpool: " << path << ": no summary line (the run was stopped before its end)\n";
    }
}

Row summary_of(const Merged& merged) {
    std::map<std::string, std::size_t> by_status;
    std::size_t warned = 0;
    for (const auto& [input, row] : merged.rows) {
        ++by_status[row.value("status", "")];
        warned += row.contains("warnings") && !row["warnings"].is_null();
    }
    return {
        {"summary", true},
        {"reports", merged.reports},
        {"files", merged.rows.size() - by_status["unsupported"]},  // as each run counts them
        {"ok", by_status["ok"] + by_status["skipped"]},
        {"skipped", by_status["skipped"]},
        {"failed", by_status["failed"]},
        {"cancelled", by_status["cancelled"]},
        {"unsupported", by_status["unsupported"]},
        {"with_warnings", warned},
        {"wall_seconds", merged.wall_seconds},  // of the slowest shard
        {"workers", merged.workers},
        {"reports_without_summary", merged.without_summary},
        {"rows_replaced_by_a_later_report", merged.replaced},
    };
}

}  // namespace

int merge_reports_command(const std::vector<std::string>& reports) {
    Merged merged;
    for (const std::string& path : reports) read_report(path, merged);
    for (const auto& [input, row] : merged.rows) {
        std::cout << row.dump(-1, ' ', false, Row::error_handler_t::replace) << '\n';
    }
    const Row summary = summary_of(merged);
    std::cout << summary.dump() << '\n' << std::flush;
    const bool all_ok = summary["ok"] == merged.rows.size() && merged.without_summary == 0 && merged.bad_lines == 0;
    return all_ok ? kOk : kSomeFailed;
}

}  // namespace pixpool::cli
