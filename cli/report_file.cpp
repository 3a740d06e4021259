#include "report_file.hpp"

#include "batch_options.hpp"

#include <pixpool/json_names.hpp>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

#include <iostream>

namespace pixpool::cli {

namespace {

const char* status_word(const FileReport& file) {
    if (file.skipped) return "skipped";
    switch (file.status) {
        case Status::Ok: return "ok";
        case Status::Cancelled: return "cancelled";
        default: return "failed";
    }
}

}  // namespace

ReportFile::ReportFile(const std::string& path) : path_(path), out_(&std::cout) {
    if (path == "-") return;
    file_.open(path, std::ios::trunc);
    if (!file_) throw UsageError("cannot write the report " + path);
    out_ = &file_;
}

void ReportFile::file_done(const FileReport& file) {
    const ImageOutcome& o = file.outcome;
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    put_name(row, "input", file.input);
    put_name(row, "output", file.output);
    row.update(nlohmann::ordered_json{
        {"status", status_word(file)},
        {"error", file.error.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(file.error)},
        {"failure", file.status == Status::Crashed ? "crashed" : file.status == Status::TimedOut ? "timed out" : ""},
        {"warnings", o.warnings.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(o.warnings)},
        {"width", o.width},
        {"height", o.height},
        {"megapixels", o.width * double(o.height) / 1e6},
        {"decode_ms", o.decode_ms},
        {"filter_ms", o.filter_ms},
        {"encode_ms", o.encode_ms},
        {"worker", file.worker_id},
        {"pid", file.pid},
        {"seconds", file.seconds},
    });
    if (row["failure"] == "") row.erase("failure");
    write_line(row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void ReportFile::unsupported(const UnsupportedFile& file) {
    nlohmann::ordered_json row = nlohmann::ordered_json::object();
    put_name(row, "input", file.input);
    row["status"] = "unsupported";
    row["error"] = file.reason;
    write_line(row.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void ReportFile::summary(const BatchReport& report) {
    double seconds = std::max(report.wall_seconds, 1e-9);
    nlohmann::ordered_json row = {
        {"summary", true},
        {"files", report.files.size()},
        {"ok", report.ok},
        {"skipped", report.skipped},
        {"failed", report.failed},
        {"cancelled", report.cancelled},
        {"unsupported", report.unsupported.size()},
        {"with_warnings", report.warned},
        {"wall_seconds", report.wall_seconds},
        {"images_per_second", (report.ok - report.skipped) / seconds},
        {"megapixels_per_second", report.megapixels / seconds},
        {"workers", report.workers},
        {"interrupted", report.interrupted},
    };
    write_line(row.dump());
}

void ReportFile::write_line(const std::string& line) {
    if (!error_.empty()) return;  // the rest would be lost too; the first reason is what counts
    errno = 0;
    *out_ << line << '\n' << std::flush;
    if (!*out_) error_ = errno != 0 ? std::strerror(errno) : "write failed";
}

}  // namespace pixpool::cli
