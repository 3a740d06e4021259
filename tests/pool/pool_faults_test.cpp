// What the pool does when workers crash, hang, are killed, or cannot start,
// and when its master is interrupted or killed. Real processes, killed for real.
#include <pixpool/pool.hpp>

#include <gtest/gtest.h>

#include "pool_test_support.hpp"
#include "../sanitized_build.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <string>
#include <thread>

// Workers here die by a real SIGSEGV, not by ASan's report and exit status 1.
PIXPOOL_ASAN_OPTIONS("handle_segv=0")

namespace {

using pixpool::Pool;
using pixpool::PoolOptions;
using pixpool::Result;
using pixpool::Status;
using pool_test::process_exists;
using pool_test::wait_until_running;

/// "segv", "abort", "hang", "exit" misbehave; anything else is echoed.
std::string misbehaving_handler(const std::string& payload) {
    if (payload == "segv") {
        ::raise(SIGSEGV);
    } else if (payload == "abort") {
        std::abort();
    } else if (payload == "hang") {
        std::this_thread::sleep_for(std::chrono::seconds(60));
    } else if (payload.rfind("sleep:", 0) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(payload.substr(6))));
    }
    return "ok:" + payload;
}

PoolOptions options_with(int workers) {
    PoolOptions options;
    options.workers = workers;
    options.handler = misbehaving_handler;
    return options;
}


TEST(PoolFaults, SegfaultFailsOnlyThatTaskAndTheBatchGoesOn) {
    Pool pool(options_with(2));
    auto results = pool.map({"a", "b", "segv", "c", "d", "e"});
    for (std::size_t i : {0u, 1u, 3u, 4u, 5u}) EXPECT_EQ(results[i].status, Status::Ok) << i;
    EXPECT_EQ(results[2].status, Status::Crashed);
    EXPECT_NE(results[2].value.find("killed by SIGSEGV"), std::string::npos) << results[2].value;
    EXPECT_NE(results[2].value.find("worker "), std::string::npos) << results[2].value;
    EXPECT_EQ(pool.worker_pids().size(), 2u) << "the dead worker was replaced";
}

TEST(PoolFaults, ATaskQueuedBehindACrashIsNotLostNorCountedAsATry) {
    // One worker holds the crashing task and the next one already sent to it.
    Pool pool(options_with(1));
    auto results = pool.map({"segv", "a", "b", "c"});
    EXPECT_EQ(results[0].status, Status::Crashed);
    for (std::size_t i = 1; i < results.size(); ++i) {
        EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].value;
        EXPECT_EQ(results[i].attempts, 1) << i;
    }
}

TEST(PoolFaults, AbortIsReportedAsSIGABRT) {
    Pool pool(options_with(1));
    Result r = pool.submit("abort").get();
    EXPECT_EQ(r.status, Status::Crashed);
    EXPECT_NE(r.value.find("SIGABRT"), std::string::npos) << r.value;
    EXPECT_TRUE(pool.submit("after").get().ok()) << "the pool stays usable";
}

TEST(PoolFaults, RetriesGiveACrashedTaskAFreshWorkerButNeverLoopForever) {
    PoolOptions options = options_with(2);
    options.retries = 2;
    Pool pool(options);
    Result r = pool.submit("segv").get();
    EXPECT_EQ(r.status, Status::Crashed);
    EXPECT_EQ(r.attempts, 3);
    EXPECT_TRUE(pool.submit("fine").get().ok());
}

TEST(PoolFaults, TimeoutKillsTheHungWorkerAndReportsIt) {
    PoolOptions options = options_with(2);
    options.timeout_seconds = 0.5;
    Pool pool(options);
    auto started = std::chrono::steady_clock::now();
    auto results = pool.map({"hang", "x", "y", "z"});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    EXPECT_EQ(results[0].status, Status::TimedOut);
    EXPECT_EQ(results[0].value, "timed out after 0.5 s");
    for (std::size_t i = 1; i < results.size(); ++i) EXPECT_TRUE(results[i].ok());
}

TEST(PoolFaults, WorkerKilledFromOutsideMidBatchCostsOneTask) {
    Pool pool(options_with(2));
    std::vector<std::string> payloads(20, "sleep:30");
    int crashed = 0, ok = 0;
    bool killed = false;
    pool.map_unordered(payloads, [&](std::size_t, const Result& r) {
        crashed += r.status == Status::Crashed;
        ok += r.ok();
        if (!killed) {  // after the first result, kill the other worker: it is mid-task
            killed = true;
            for (pid_t pid : pool.worker_pids()) {
                if (pid != r.pid) ::kill(pid, SIGKILL);
            }
        }
    });
    EXPECT_EQ(crashed, 1);
    EXPECT_EQ(ok, 19);
}

TEST(PoolFaults, PIXPOOL_UNLESS_ASAN(AnAllocationPastTheMemoryLimitFailsThatTaskOnly, RlimitDataStopsAsansOwnMmaps)) {
    PoolOptions options = options_with(1);
    options.max_memory_bytes = 512u << 20;
    options.handler = [](const std::string& payload) {
        std::size_t megabytes = std::stoul(payload);
        std::vector<char> block(megabytes << 20, 1);  // touches every page
        return std::to_string(block.size() >> 20);
    };
    Pool pool(options);
    auto results = pool.map({"16", "2048", "32"});
    EXPECT_TRUE(results[0].ok());
    EXPECT_EQ(results[1].status, Status::Failed);
    EXPECT_NE(results[1].value.find("bad_alloc"), std::string::npos) << results[1].value;
    EXPECT_TRUE(results[2].ok()) << "the same worker goes on";
    EXPECT_EQ(results[0].pid, results[2].pid);
}

TEST(PoolFaults, WorkersThatKeepDyingAtStartStopThePoolWithOneError) {
    PoolOptions options = options_with(2);
    options.initializer = [](int) { throw std::runtime_error("no licence for codec"); };
    options.crash_budget = 4;
    Pool pool(options);
    auto future = pool.submit("x");
    try {
        (void)future.get();
        FAIL() << "expected PoolError";
    } catch (const pixpool::PoolError& e) {
        EXPECT_NE(std::string(e.what()).find("no licence for codec"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("died before taking a task"), std::string::npos) << e.what();
    }
}

TEST(PoolFaults, FirstInterruptLetsRunningTasksFinishAndCancelsTheRest) {
    static volatile std::sig_atomic_t interrupts = 0;
    interrupts = 0;
    PoolOptions options = options_with(2);
    options.interrupts = &interrupts;
    Pool pool(options);
    // Interrupt once the first two tasks are running.
    auto f1 = pool.submit("sleep:300");
    auto f2 = pool.submit("sleep:300");
    auto f3 = pool.submit("sleep:300");
    wait_until_running(pool, 2);
    interrupts = 1;
    EXPECT_EQ(f1.get().status, Status::Ok);
    EXPECT_EQ(f2.get().status, Status::Ok);
    Result third = f3.get();
    EXPECT_EQ(third.status, Status::Cancelled);
    EXPECT_EQ(third.value, "not started: interrupted");
}

TEST(PoolFaults, SecondInterruptKillsRunningTasksAtOnce) {
    static volatile std::sig_atomic_t interrupts = 0;
    PoolOptions options = options_with(2);
    options.interrupts = &interrupts;
    Pool pool(options);
    auto f1 = pool.submit("hang");
    auto pids = pool.worker_pids();
    wait_until_running(pool, 1);
    interrupts = 2;
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(f1.get().status, Status::Cancelled);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
    for (pid_t pid : pids) EXPECT_FALSE(process_exists(pid));
}

TEST(PoolFaults, WorkersDieWithinASecondWhenTheMasterIsKilled) {
    // Become a subreaper so the orphaned workers are re-parented to this test
    // (not to PID 1, which may not reap in a container) and can be observed.
    ASSERT_EQ(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t master = ::fork();
    ASSERT_GE(master, 0);
    if (master == 0) {
        ::close(pipe_fds[0]);
        Pool pool(options_with(2));
        auto hung = pool.submit("hang");
        wait_until_running(pool, 1);
        auto pids = pool.worker_pids();
        (void)!::write(pipe_fds[1], pids.data(), pids.size() * sizeof(pid_t));
        (void)hung;
        ::pause();
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    pid_t pids[2] = {0, 0};
    ASSERT_EQ(::read(pipe_fds[0], pids, sizeof pids), static_cast<ssize_t>(sizeof pids));
    ::close(pipe_fds[0]);
    ASSERT_TRUE(process_exists(pids[0]) && process_exists(pids[1]));
    ::kill(master, SIGKILL);
    ::waitpid(master, nullptr, 0);
    auto killed_at = std::chrono::steady_clock::now();
    for (pid_t pid : pids) {
        while (process_exists(pid) && std::chrono::steady_clock::now() - killed_at < std::chrono::seconds(3)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        EXPECT_FALSE(process_exists(pid)) << "worker " << pid << " outlived its master";
        ::waitpid(pid, nullptr, WNOHANG);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - killed_at, std::chrono::seconds(1));
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
}

}  // namespace
