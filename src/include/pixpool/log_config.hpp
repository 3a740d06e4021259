#pragma once
/// Logging config built in the master and handed by value to each worker,
/// which builds its own synchronous spdlog logger after the fork. No async
/// logger, no logger shared across a fork, one file per process.

#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace pixpool {

struct LogConfig {
    std::string level = "info";  ///< trace, debug, info, warn, error, critical, off
    /// spdlog pattern; every worker line carries the worker id and pid.
    std::string pattern = "[%Y-%m-%d %H:%M:%S.%e] [%l] [worker %n pid %P] %v";
    /// Empty: log to stderr. Else a path template where "{id}" becomes the
    /// worker id (and "master" for the master), e.g. "logs/worker-{id}.log".
    std::string file_template;
};

/// "logs" -> "logs/worker-{id}.log": the template for --log-dir.
std::string log_template_for_dir(const std::string& dir);

/// Builds this process's logger (synchronous; stderr or its own file) and
/// makes it spdlog's default. `who` is the worker id, or "master".
/// Throws std::runtime_error naming the file when the log file cannot be opened.
std::shared_ptr<spdlog::logger> make_process_logger(const LogConfig& config, const std::string& who);

}  // namespace pixpool
