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
    void summary(const BatchReport& report);

private:
    std::ofstream file_;
    std::ostream* out_;
};

}  // namespace pixpool::cli
