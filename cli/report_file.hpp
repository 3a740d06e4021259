#pragma once
/// --report FILE: JSON Lines, one object per input as it finishes, then one
/// summary object. Written with nlohmann-json, flushed line by line so a
/// report of an interrupted run is still complete up to its last line.

#include <pixpool/batch.hpp>

#include <fstream>
#include <ostream>
#include <string>

namespace pixpool::cli {

class ReportFile {
public:
    /// `path` "-" writes to stdout. Throws UsageError when the file cannot be opened.
    explicit ReportFile(const std::string& path);
    void file_done(const FileReport& file);
    /// A row with status "unsupported" and the reason, for a file the batch did not read.
    void unsupported(const UnsupportedFile& file);
    void summary(const BatchReport& report);

    /// "" while every line was written; else why the report is incomplete
    /// ("Broken pipe" for `--report - | head -1`, "No space left on device"),
    /// which the run turns into an error and a non-zero exit.
    const std::string& error() const { return error_; }
    const std::string& path() const { return path_; }

private:
    void write_line(const std::string& line);

    std::string path_;
    std::string error_;
    std::ofstream file_;
    std::ostream* out_;
};

}  // namespace pixpool::cli
