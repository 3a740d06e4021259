// The pool's everyday contract, with a non-image handler.
#include <pixpool/pool.hpp>

#include <gtest/gtest.h>

#include "pool_test_support.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>

namespace {

using pixpool::Pool;
using pixpool::PoolOptions;
using pixpool::Result;
using pixpool::Status;
using pool_test::process_exists;
using pool_test::wait_until_running;

PoolOptions echo_options(int workers = 2) {
    PoolOptions options;
    options.workers = workers;
    options.handler = [](const std::string& payload) {
        if (payload.rfind("sleep:", 0) == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(payload.substr(6))));
        }
        return "echo:" + payload;
    };
    return options;
}

int open_fd_count() {
    int count = 0;
    DIR* dir = ::opendir("/proc/self/fd");
    while (dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.') ++count;
    }
    ::closedir(dir);
    return count - 1;  // the DIR itself
}


TEST(Pool, MapKeepsInputOrderWhateverFinishesFirst) {
    Pool pool(echo_options(3));
    std::vector<std::string> payloads;
    for (int i = 0; i < 30; ++i) payloads.push_back("sleep:" + std::to_string((30 - i) % 7));
    std::vector<Result> results = pool.map(payloads);
    ASSERT_EQ(results.size(), payloads.size());
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        EXPECT_EQ(results[i].status, Status::Ok);
        EXPECT_EQ(results[i].value, "echo:" + payloads[i]);
    }
}

TEST(Pool, MapUnorderedDeliversEveryResultExactlyOnce) {
    Pool pool(echo_options(2));
    std::vector<std::string> payloads;
    for (int i = 0; i < 200; ++i) payloads.push_back(std::to_string(i));
    std::multiset<std::string> seen;
    std::vector<int> calls_per_index(payloads.size(), 0);
    pool.map_unordered(payloads, [&](std::size_t index, const Result& r) {
        EXPECT_TRUE(r.ok());
        ASSERT_LT(index, payloads.size());
        EXPECT_EQ(r.value, "echo:" + payloads[index]);
        ++calls_per_index[index];
        seen.insert(r.value);
    });
    ASSERT_EQ(seen.size(), payloads.size());
    for (const auto& p : payloads) EXPECT_EQ(seen.count("echo:" + p), 1u) << p;
    for (int calls : calls_per_index) EXPECT_EQ(calls, 1);
}

TEST(Pool, TenThousandTinyTasks) {
    Pool pool(echo_options(2));
    std::vector<std::string> payloads(10000, "x");
    std::size_t ok = 0;
    std::set<int> slots;
    pool.map_unordered(payloads, [&](std::size_t, const Result& r) {
        ok += r.ok() && r.value == "echo:x";
        slots.insert(r.worker_id);
    });
    EXPECT_EQ(ok, payloads.size());
    EXPECT_EQ(slots, (std::set<int>{0, 1}));
}

TEST(Pool, SubmitReturnsAFutureWithWorkerIdentity) {
    Pool pool(echo_options(2));
    auto future = pool.submit("hello");
    Result r = future.get();
    EXPECT_EQ(r.value, "echo:hello");
    EXPECT_GE(r.worker_id, 0);
    EXPECT_LT(r.worker_id, 2);
    auto pids = pool.worker_pids();
    EXPECT_NE(std::find(pids.begin(), pids.end(), r.pid), pids.end());
    EXPECT_GE(r.seconds, 0.0);
    EXPECT_EQ(r.attempts, 1);
}

TEST(Pool, HandlerExceptionBecomesThatTasksError) {
    PoolOptions options = echo_options(2);
    options.handler = [](const std::string& p) -> std::string {
        if (p == "bad") throw std::runtime_error("bad input: " + p);
        return p;
    };
    Pool pool(options);
    auto results = pool.map({"a", "bad", "c"});
    EXPECT_EQ(results[0].status, Status::Ok);
    EXPECT_EQ(results[1].status, Status::Failed);
    EXPECT_EQ(results[1].value, "bad input: bad");
    EXPECT_EQ(results[2].status, Status::Ok);
}

TEST(Pool, LargePayloadsAndResultsCrossIntact) {
    PoolOptions options = echo_options(2);
    options.handler = [](const std::string& p) { return std::string(p.rbegin(), p.rend()); };
    Pool pool(options);
    std::string big(3 * 1024 * 1024, 'a');
    for (std::size_t i = 0; i < big.size(); i += 97) big[i] = static_cast<char>('a' + i % 26);
    Result r = pool.submit(big).get();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value, std::string(big.rbegin(), big.rend()));
}

TEST(Pool, InitializerRunsOncePerWorker) {
    static int initialised = 0;  // each worker has its own copy after the fork
    PoolOptions options;
    options.workers = 2;
    options.initializer = [](int slot) { initialised += 1 + 100 * slot; };
    options.handler = [](const std::string&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));  // long enough for both workers to take some
        return std::to_string(initialised);
    };
    Pool pool(options);
    std::set<std::string> values;
    for (const auto& r : pool.map(std::vector<std::string>(50, "?"))) values.insert(r.value);
    EXPECT_EQ(values, (std::set<std::string>{"1", "101"}));
    EXPECT_EQ(initialised, 0) << "the initializer must not run in the master";
}

TEST(Pool, MaxTasksPerWorkerReplacesWorkers) {
    PoolOptions options;
    options.workers = 2;
    options.max_tasks_per_worker = 3;
    options.handler = [](const std::string&) { return std::to_string(::getpid()); };
    Pool pool(options);
    std::map<std::string, int> tasks_per_pid;
    for (const auto& r : pool.map(std::vector<std::string>(12, "?"))) ++tasks_per_pid[r.value];
    EXPECT_GE(tasks_per_pid.size(), 4u);
    for (const auto& [pid, count] : tasks_per_pid) EXPECT_LE(count, 3) << pid;
}

TEST(Pool, CloseThenJoinRunsTheQueueToTheEnd) {
    Pool pool(echo_options(2));
    std::vector<pixpool::TaskFuture> futures;
    for (int i = 0; i < 6; ++i) futures.push_back(pool.submit("sleep:20"));
    pool.close();
    EXPECT_THROW((void)pool.submit("late"), pixpool::PoolError);
    pool.join();
    EXPECT_TRUE(pool.worker_pids().empty());
    for (auto& f : futures) EXPECT_EQ(f.get().status, Status::Ok);
}

TEST(Pool, TerminateCancelsUnfinishedWork) {
    Pool pool(echo_options(2));
    std::vector<pixpool::TaskFuture> futures;
    for (int i = 0; i < 6; ++i) futures.push_back(pool.submit("sleep:2000"));
    auto pids = pool.worker_pids();
    wait_until_running(pool, 2);
    auto started = std::chrono::steady_clock::now();
    pool.terminate();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
    for (auto& f : futures) EXPECT_EQ(f.get().status, Status::Cancelled);
    for (pid_t pid : pids) EXPECT_FALSE(process_exists(pid)) << pid;
}

TEST(Pool, DestroyingThePoolLeavesNoChildAndNoDescriptor) {
    int fds_before = open_fd_count();
    std::vector<pid_t> pids;
    {
        PoolOptions options = echo_options(3);
        options.max_tasks_per_worker = 2;
        Pool pool(options);
        pids = pool.worker_pids();
        (void)pool.map(std::vector<std::string>(10, "x"));
        for (pid_t pid : pool.worker_pids()) pids.push_back(pid);
    }
    EXPECT_EQ(open_fd_count(), fds_before);
    for (pid_t pid : pids) EXPECT_FALSE(process_exists(pid)) << pid;
    errno = 0;
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1) << "a child is left over";
    EXPECT_EQ(errno, ECHILD);
}

TEST(Pool, DefaultWorkerCountIsTheUsableCpus) {
    Pool pool(echo_options(0));
    EXPECT_EQ(pool.workers(), pixpool::usable_cpus());
}

}  // namespace
