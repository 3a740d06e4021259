/// Each process's own logger, built after the fork from a LogConfig.
///
/// Design rule: the master must not start any thread before it forks (a
/// child would inherit locks held by threads that do not exist in it). So
/// the loggers here are synchronous, with single-threaded (`_st`) sinks: no
/// async logger, no thread pool, no spdlog::flush_every.

#include "logger.hpp"

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pixpool {
namespace {

/// spdlog::level::from_str maps any unknown text to "off", which would
/// silently turn logging off on a typo; reject it instead.
spdlog::level::level_enum parse_level(const std::string& text) {
    const auto level = spdlog::level::from_str(text);
    if (level == spdlog::level::off && text != "off") {
        throw std::invalid_argument("unknown log level '" + text +
                                    "' (allowed: trace, debug, info, warn, error, critical, off)");
    }
    return level;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

/// Opens this process's log file, appending: a restarted worker reuses its
/// slot's id and so its file, and must not erase its predecessor's lines.
spdlog::sink_ptr open_file_sink(const std::string& path) {
    const fs::path folder = fs::path(path).parent_path();
    std::error_code ec;
    if (!folder.empty()) fs::create_directories(folder, ec);
    if (ec) throw std::runtime_error("cannot create log folder " + folder.string() + ": " + ec.message());
    try {
        return std::make_shared<spdlog::sinks::basic_file_sink_st>(path, false);
    } catch (const spdlog::spdlog_ex& e) {
        throw std::runtime_error("cannot open log file " + path + ": " + e.what());
    }
}

/// Each formatted line, without its newline, to a function (spdlog 1.10
/// has no callback sink).
class LineSink : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    explicit LineSink(std::function<void(const std::string&)> on_line) : on_line_(std::move(on_line)) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        std::string line(formatted.data(), formatted.size());
        while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
        on_line_(line);
    }
    void flush_() override {}

private:
    std::function<void(const std::string&)> on_line_;
};

}  // namespace

std::string log_template_for_dir(const std::string& dir) {
    return (fs::path(dir) / "worker-{id}.log").string();
}

std::shared_ptr<spdlog::logger> make_process_logger(const LogConfig& config, const std::string& who,
                                                    const std::function<void(const std::string&)>& console) {
    const auto level = parse_level(config.level);
    spdlog::sink_ptr sink;
    if (config.file_template.empty() && console) {
        sink = std::make_shared<LineSink>(console);
    } else if (config.file_template.empty()) {
        sink = std::make_shared<spdlog::sinks::stderr_color_sink_st>();
    } else {
        sink = open_file_sink(replace_all(config.file_template, "{id}", who));
    }
    // Named after `who`, so "%n" in the pattern prints the worker id.
    auto logger = std::make_shared<spdlog::logger>(who, std::move(sink));
    logger->set_pattern(config.pattern);
    logger->set_level(level);
    // Flush every line: a worker may be killed (timeout, crash) at any time
    // and its last lines are the ones that explain why.
    logger->flush_on(spdlog::level::trace);
    return logger;
}

}  // namespace pixpool
