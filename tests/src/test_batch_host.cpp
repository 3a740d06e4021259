/// A library never changes its host behind its back: a batch run inline
/// (in the caller's own process) leaves spdlog's default logger and
/// OpenCV's threading as the host set them, and still logs to its own file.

#include "test_util.hpp"

#include <pixpool/batch.hpp>

#include <opencv2/core.hpp>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

namespace pixpool {
namespace {

using test_util::TempDir;

TEST(BatchHost, InlineRunLeavesTheHostLoggerAndThreadsAlone) {
    TempDir dir;
    auto host_logger = std::make_shared<spdlog::logger>("host", std::make_shared<spdlog::sinks::null_sink_st>());
    spdlog::set_default_logger(host_logger);
    cv::setNumThreads(2);
    const int host_threads = cv::getNumThreads();

    BatchOptions batch;
    batch.input.paths = {test_util::sample("coffee.jpg")};
    batch.out_dir = dir / "out";
    batch.filter_specs = {"gaussian_blur:sigma=1"};
    batch.run_inline = true;
    batch.log.file_template = dir / "logs/{id}.log";
    const BatchReport report = run_batch(batch);

    ASSERT_EQ(report.ok, 1u) << summarize(report);
    EXPECT_EQ(spdlog::default_logger(), host_logger);
    EXPECT_EQ(cv::getNumThreads(), host_threads);
    const std::string log = test_util::read_bytes(dir / "logs/inline.log");
    EXPECT_NE(log.find("coffee.jpg"), std::string::npos) << log;
}

}  // namespace
}  // namespace pixpool
