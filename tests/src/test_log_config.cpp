/// Per-process logging: each process writes its own file, every line carries
/// the worker id and the pid, and configuration mistakes are clear errors.

#include "test_util.hpp"

#include "logger.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>

namespace pixpool {
namespace {

using test_util::TempDir;

TEST(LogConfig, TemplateForDir) {
    EXPECT_EQ(log_template_for_dir("logs"), "logs/worker-{id}.log");
    EXPECT_EQ(log_template_for_dir("/var/log/pp/"), "/var/log/pp/worker-{id}.log");
}

TEST(LogConfig, FileLinesCarryWorkerIdAndPid) {
    TempDir dir;
    LogConfig config;
    config.file_template = dir / "logs/nested/w-{id}.log";
    const auto host_default = spdlog::default_logger();
    auto logger = make_process_logger(config, "3");
    logger->info("hello from the test");
    logger->debug("hidden at info level");

    const std::string text = test_util::read_bytes(dir / "logs/nested/w-3.log");
    EXPECT_NE(text.find("hello from the test"), std::string::npos) << text;
    EXPECT_NE(text.find("[worker 3 pid " + std::to_string(::getpid()) + "]"), std::string::npos) << text;
    EXPECT_EQ(text.find("hidden"), std::string::npos) << text;
    // Building it leaves the host's default logger alone (a worker installs its own).
    EXPECT_EQ(spdlog::default_logger(), host_default);
}

TEST(LogConfig, DebugLevelShowsDebugLines) {
    TempDir dir;
    LogConfig config;
    config.level = "debug";
    config.file_template = dir / "{id}.log";
    make_process_logger(config, "master")->debug("details");
    EXPECT_NE(test_util::read_bytes(dir / "master.log").find("details"), std::string::npos);
}

TEST(LogConfig, UnknownLevelNamesTheAllowedOnes) {
    LogConfig config;
    config.level = "verbose";
    const std::string message =
        test_util::error_of<std::invalid_argument>([&] { make_process_logger(config, "0"); });
    EXPECT_NE(message.find("'verbose'"), std::string::npos) << message;
    EXPECT_NE(message.find("trace, debug, info, warn, error, critical, off"), std::string::npos) << message;
}

TEST(LogConfig, UnopenableFileNamesTheFile) {
    TempDir dir;
    test_util::write_bytes(dir / "plain", "x");  // a file where a folder should be: fails even for root
    LogConfig config;
    config.file_template = dir / "plain/worker-{id}.log";
    const std::string message =
        test_util::error_of<std::runtime_error>([&] { make_process_logger(config, "1"); });
    EXPECT_NE(message.find(dir / "plain"), std::string::npos) << message;
}

TEST(LogConfig, StderrLoggerWhenNoFile) {
    auto logger = make_process_logger(LogConfig{}, "7");
    ASSERT_NE(logger, nullptr);
    EXPECT_EQ(logger->name(), "7");
    EXPECT_EQ(logger->level(), spdlog::level::info);
}

}  // namespace
}  // namespace pixpool
