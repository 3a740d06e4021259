#pragma once
/// Each process's own logger, built after the fork from a LogConfig
/// (private: workers call it; the batch never replaces its host's logger).

#include <pixpool/batch.hpp>

#include <functional>
#include <memory>
#include <string>

namespace spdlog {
class logger;
}

namespace pixpool {

/// Builds this process's logger (synchronous; stderr or its own file),
/// named `who`: the worker id, "inline" or "master". It does not become
/// spdlog's default: a worker makes it so, in its own process only.
/// Throws std::runtime_error naming the file when the log file cannot be opened.
/// With `console` set, lines meant for stderr go to it instead (the inline
/// run under a progress line: BatchCallbacks::worker_stderr).
std::shared_ptr<spdlog::logger> make_process_logger(const LogConfig& config, const std::string& who,
                                                    const std::function<void(const std::string&)>& console = {});

}  // namespace pixpool
