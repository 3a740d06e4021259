// StartMethod::Spawn in a host that already runs threads: OpenCV's own thread
// pool has run, and an spdlog async logger's thread is writing all along.
// Forking such a process can leave a lock held forever in the child; spawning
// a fresh executable cannot. This binary has its own main(), as every program
// that uses Spawn must: it calls run_if_spawned_worker() first.
#include <pixpool/pool.hpp>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <spdlog/async.h>
#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <future>
#include <set>
#include <thread>
#include <vector>

#include "../sanitized_build.hpp"
#include "pool_test_support.hpp"

// Workers here die by a real SIGSEGV, not by ASan's report and exit status 1.
PIXPOOL_ASAN_OPTIONS("handle_segv=0")

namespace {

using pixpool::Pool;
using pixpool::PoolOptions;
using pixpool::StartMethod;

PoolOptions spawn_options(const std::string& config) {
    PoolOptions options;
    options.workers = 2;
    options.start_method = StartMethod::Spawn;
    options.spawn_worker = "greeter";
    options.spawn_config = config;
    return options;
}

/// Keeps OpenCV's thread pool and an async logger busy while the test runs.
class BusyThreadedHost {
public:
    BusyThreadedHost() {
        cv::setNumThreads(4);
        cv::Mat big(2000, 2000, CV_8UC3, cv::Scalar(1, 2, 3)), out;
        cv::GaussianBlur(big, out, cv::Size(0, 0), 5);  // runs on OpenCV's worker threads
        spdlog::init_thread_pool(1024, 1);
        auto sink = std::make_shared<spdlog::sinks::null_sink_mt>();
        logger_ = std::make_shared<spdlog::async_logger>("host", sink, spdlog::thread_pool());
        chatter_ = std::thread([this] {
            while (!stop_) logger_->info("host is busy");
        });
    }
    ~BusyThreadedHost() {
        stop_ = true;
        chatter_.join();
        spdlog::shutdown();
    }

private:
    std::shared_ptr<spdlog::async_logger> logger_;
    std::atomic<bool> stop_{false};
    std::thread chatter_;
};

// First in this file: it needs a host that has no thread yet when its pool
// starts (OpenCV's thread pool, once started by a later test, stays).
TEST(PoolThreadedHost, AForkPoolRefusesToForkAReplacementOnceTheHostRunsThreads) {
    PoolOptions options;
    options.workers = 1;
    options.handler = [](const std::string& payload) {
        if (payload == "crash") ::raise(SIGSEGV);
        return payload;
    };
    Pool pool(options);
    EXPECT_TRUE(pool.submit("before").get().ok());
    std::promise<void> stop;
    std::thread host_thread([done = stop.get_future()]() mutable { done.wait(); });
    EXPECT_EQ(pool.submit("crash").get().status, pixpool::Status::Crashed);
    try {
        (void)pool.submit("after").get();
        ADD_FAILURE() << "a replacement forked from a threaded host must be refused";
    } catch (const pixpool::PoolError& e) {
        EXPECT_NE(std::string(e.what()).find("ForkServer"), std::string::npos) << e.what();
    }
    stop.set_value();
    host_thread.join();
}

TEST(PoolThreadedHost, ForkIsRefusedInAThreadedHost) {
    BusyThreadedHost host;
    PoolOptions options;
    options.handler = [](const std::string& p) { return p; };
    try {
        Pool pool(options);
        FAIL() << "expected PoolError";
    } catch (const pixpool::PoolError& e) {
        EXPECT_NE(std::string(e.what()).find("threads"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("ForkServer"), std::string::npos) << e.what();
    }
}

TEST(PoolThreadedHost, ForkServerAndSpawnRunTwentyPoolsEachWithACrashInAThreadedHost) {
    BusyThreadedHost host;
    for (StartMethod method : {StartMethod::ForkServer, StartMethod::Spawn}) {
        for (int round = 0; round < 20; ++round) {
            PoolOptions options = spawn_options("round " + std::to_string(round) + " ");
            options.start_method = method;
            options.timeout_seconds = 30;
            Pool pool(options);
            auto results = pool.map({"a", "crash", "b", "c", "d"});
            ASSERT_EQ(results[1].status, pixpool::Status::Crashed) << results[1].value;
            for (std::size_t i : {0u, 2u, 3u, 4u}) {
                ASSERT_TRUE(results[i].ok()) << results[i].value;
                EXPECT_EQ(results[i].value.rfind("round " + std::to_string(round) + " ", 0), 0u);
            }
            EXPECT_EQ(pool.worker_pids().size(), 2u) << "the crashed worker was replaced";
        }
    }
}

TEST(PoolThreadedHost, AKilledSpawnedForkServerIsSpawnedAgainAndTheQueueGoesOn) {
    BusyThreadedHost host;
    PoolOptions options = spawn_options("again ");
    options.start_method = StartMethod::ForkServer;
    Pool pool(options);
    EXPECT_TRUE(pool.map({"warm"})[0].ok());
    const pid_t server = pool_test::parent_of(pool.worker_pids().at(0));
    ASSERT_NE(server, ::getpid());
    ASSERT_EQ(::kill(server, SIGKILL), 0);
    for (pid_t pid : pool.worker_pids()) {  // gone with it (PR_SET_PDEATHSIG) before any takes a task
        while (pool_test::process_exists(pid)) ::usleep(1000);
    }
    auto results = pool.map(std::vector<std::string>(10, "x"));
    for (const auto& r : results) {
        ASSERT_TRUE(r.ok()) << r.value;
        EXPECT_EQ(r.value, "again x");
    }
    const pid_t second = pool_test::parent_of(pool.worker_pids().at(0));
    EXPECT_NE(second, server) << "a new server forks the new workers";
    EXPECT_NE(second, ::getpid());
}

TEST(PoolSpawn, ThreadedHostRunsFiftyPoolsInARowWithoutHanging) {
    BusyThreadedHost host;
    for (int round = 0; round < 50; ++round) {
        Pool pool(spawn_options("hello #" + std::to_string(round) + " "));
        auto results = pool.map({"a", "b", "c", "d"});
        ASSERT_EQ(results.size(), 4u);
        for (const auto& r : results) {
            ASSERT_TRUE(r.ok()) << r.value;
            EXPECT_EQ(r.value.rfind("hello #" + std::to_string(round) + " ", 0), 0u) << r.value;
        }
    }
}

TEST(PoolSpawn, CrashesAreReportedAsWithFork) {
    Pool pool(spawn_options(""));
    auto results = pool.map({"ok", "crash", "ok"});
    EXPECT_TRUE(results[0].ok());
    EXPECT_EQ(results[1].status, pixpool::Status::Crashed);
    EXPECT_NE(results[1].value.find("SIGSEGV"), std::string::npos) << results[1].value;
    EXPECT_TRUE(results[2].ok());
}

TEST(PoolSpawn, WorkerStderrComesToTheHostFromSpawnedWorkersAndASpawnedForkServer) {
    BusyThreadedHost host;
    for (StartMethod method : {StartMethod::Spawn, StartMethod::ForkServer}) {
        PoolOptions options = spawn_options("hello ");
        options.start_method = method;
        std::vector<std::string> lines;
        options.worker_stderr = [&](const std::string& line) { lines.push_back(line); };
        {
            Pool pool(options);
            for (const auto& result : pool.map({"say:one", "say:two", "say:three"})) EXPECT_TRUE(result.ok());
        }
        std::sort(lines.begin(), lines.end());
        EXPECT_EQ(lines, (std::vector<std::string>{"hello say:one", "hello say:three", "hello say:two"}));
    }
}

TEST(PoolSpawn, AnUnknownWorkerNameIsRefused) {
    PoolOptions options = spawn_options("");
    options.spawn_worker = "nobody";
    EXPECT_THROW(Pool pool(options), pixpool::PoolError);
}

}  // namespace

int main(int argc, char** argv) {
    pixpool::register_spawned_worker("greeter", [](const std::string& config, int) -> pixpool::Handler {
        return [config](const std::string& payload) {
            if (payload == "crash") ::raise(SIGSEGV);
            if (payload.rfind("say:", 0) == 0) std::fprintf(stderr, "%s\n", (config + payload).c_str());
            return config + payload;
        };
    });
    pixpool::run_if_spawned_worker();
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
