// The fork server killed for real: its workers die with it (PR_SET_PDEATHSIG)
// and their statuses with it, yet every task gets exactly one result, what
// was done stays done, the queue runs on a new server, a server that keeps
// dying or cannot be started again ends the pool with one error, and no
// child is left behind.
#include <pixpool/pool.hpp>

#include <gtest/gtest.h>

#include "pool_test_support.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

using pixpool::Pool;
using pixpool::PoolError;
using pixpool::PoolOptions;
using pixpool::Result;
using pixpool::StartMethod;
using pixpool::Status;
using pool_test::parent_of;
using pool_test::process_exists;

/// "sleep:MS" sleeps, then answers with the pid of the worker's parent (its
/// fork server); "kill-server" kills that parent and waits to die with it.
PoolOptions server_options(int workers) {
    PoolOptions options;
    options.workers = workers;
    options.start_method = StartMethod::ForkServer;
    options.handler = [](const std::string& payload) {
        if (payload == "kill-server") {
            ::kill(::getppid(), SIGKILL);
            while (true) ::pause();
        }
        if (payload.rfind("sleep:", 0) == 0) ::usleep(1000 * std::stoi(payload.substr(6)));
        return std::to_string(::getppid());
    };
    return options;
}

/// Every child of this process, zombies included (each thread's list).
std::vector<pid_t> children_of_this_process() {
    std::vector<pid_t> children;
    DIR* tasks = ::opendir("/proc/self/task");
    while (dirent* task = tasks ? ::readdir(tasks) : nullptr) {
        if (task->d_name[0] == '.') continue;
        std::ifstream in(std::string("/proc/self/task/") + task->d_name + "/children");
        for (pid_t child; in >> child;) children.push_back(child);
    }
    if (tasks) ::closedir(tasks);
    return children;
}

/// Whether `pid` is gone, allowing it a few seconds to finish dying.
bool gone_soon(pid_t pid) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (process_exists(pid) && std::chrono::steady_clock::now() < deadline) ::usleep(10000);
    return !process_exists(pid);
}

bool reaped(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) < 0 && errno == ECHILD; }

TEST(PoolForkServerDeath, AKilledServerCostsAtMostTheRunningTasksAndTheQueueRunsOnANewOne) {
    constexpr int kTasks = 30;
    std::map<std::size_t, int> calls;
    std::vector<Result> results(kTasks);
    pid_t old_server = 0;
    std::set<pid_t> old_workers;
    {
        Pool pool(server_options(2));
        std::vector<std::string> payloads(kTasks, "sleep:40");
        int done_before = 0;
        pool.map_unordered(payloads, [&](std::size_t index, const Result& r) {
            ++calls[index];
            results[index] = r;
            if (old_server == 0 && r.ok() && ++done_before == 5) {  // both workers are mid-task now
                old_server = std::stoi(r.value);
                for (pid_t pid : pool.worker_pids()) old_workers.insert(pid);
                ASSERT_EQ(::kill(old_server, SIGKILL), 0);
            }
        });
        ASSERT_NE(old_server, 0);
        EXPECT_TRUE(reaped(old_server)) << "the dead server is reaped by the pool, not left a zombie";
    }
    EXPECT_EQ(calls.size(), std::size_t(kTasks));
    for (const auto& [index, count] : calls) EXPECT_EQ(count, 1) << "task " << index;
    int crashed = 0, on_new_server = 0;
    for (const Result& r : results) {
        if (r.status == Status::Crashed) {
            ++crashed;
            EXPECT_NE(r.value.find("the fork server (pid " + std::to_string(old_server) + ") died (killed by SIGKILL"),
                      std::string::npos) << r.value;
            EXPECT_EQ(r.exit_code, -SIGKILL);
            EXPECT_EQ(r.attempts, 1);
        } else {
            ASSERT_EQ(r.status, Status::Ok) << r.value;
            on_new_server += std::stoi(r.value) != old_server;
        }
    }
    EXPECT_LE(crashed, 2) << "only the tasks running when the server died are lost";
    EXPECT_GE(on_new_server, kTasks / 2) << "the rest of the queue ran on a new server";
    EXPECT_TRUE(children_of_this_process().empty()) << "no zombie and no server left";
    for (pid_t pid : old_workers) EXPECT_TRUE(gone_soon(pid)) << "worker " << pid << " of the dead server";
}

TEST(PoolForkServerDeath, WithARetryEveryTaskSucceeds) {
    PoolOptions options = server_options(2);
    options.retries = 1;
    int retried = 0, ok = 0;
    {
        Pool pool(options);
        bool killed = false;
        pool.map_unordered(std::vector<std::string>(20, "sleep:40"), [&](std::size_t, const Result& r) {
            EXPECT_TRUE(r.ok()) << r.value;
            ok += r.ok();
            retried += r.attempts == 2;
            if (!killed) {
                killed = true;
                ::kill(std::stoi(r.value), SIGKILL);
            }
        });
    }
    EXPECT_EQ(ok, 20);
    EXPECT_LE(retried, 2);
    EXPECT_TRUE(children_of_this_process().empty());
}

/// A file's appearance, waited for without driving the pool.
bool appears(const std::string& path) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    struct stat st;
    while (::stat(path.c_str(), &st) != 0 && std::chrono::steady_clock::now() < deadline) ::usleep(5000);
    return ::stat(path.c_str(), &st) == 0;
}

TEST(PoolForkServerDeath, AResultSentBeforeTheServerDiedIsDelivered) {
    const std::string dir = testing::TempDir() + "server_death_" + std::to_string(::getpid());
    ::mkdir(dir.c_str(), 0700);
    const std::string go = dir + "/go", blocked = dir + "/blocked";
    ::unlink(go.c_str());
    ::unlink(blocked.c_str());
    PoolOptions options = server_options(1);
    options.handler = [go, blocked](const std::string& payload) -> std::string {
        if (payload == "first") {
            while (::access(go.c_str(), F_OK) != 0) ::usleep(2000);
            return "first done";
        }
        if (payload == "second") {  // the worker sent the first result before it starts this one
            ::close(::open(blocked.c_str(), O_WRONLY | O_CREAT, 0600));
            while (true) ::pause();
        }
        return "third done";
    };
    Pool pool(options);
    auto first = pool.submit("first");
    auto second = pool.submit("second");
    auto third = pool.submit("third");
    pool_test::wait_until_running(pool, 1);
    ASSERT_EQ(pool.tasks_running(), 1u);
    // From here the pool is not driven: the first result stays unread in the socket.
    const pid_t server = parent_of(pool.worker_pids().at(0));
    ::close(::open(go.c_str(), O_WRONLY | O_CREAT, 0600));
    ASSERT_TRUE(appears(blocked));
    ASSERT_EQ(::kill(server, SIGKILL), 0);

    Result r1 = first.get(), r2 = second.get(), r3 = third.get();
    EXPECT_EQ(r1.status, Status::Ok);
    EXPECT_EQ(r1.value, "first done");
    EXPECT_EQ(r2.status, Status::Crashed);
    EXPECT_NE(r2.value.find("fork server"), std::string::npos) << r2.value;
    EXPECT_EQ(r3.status, Status::Ok) << "a task that waited unstarted in the worker's socket runs again, uncounted";
    EXPECT_EQ(r3.value, "third done");
    EXPECT_EQ(r3.attempts, 1);
    EXPECT_TRUE(reaped(server));
    ::unlink(go.c_str());
    ::unlink(blocked.c_str());
    ::rmdir(dir.c_str());
}

TEST(PoolForkServerDeath, AServerThatKeepsDyingEndsThePoolWithOneError) {
    std::vector<Status> statuses;
    std::string error;
    {
        Pool pool(server_options(1));
        std::vector<std::string> payloads(10, "kill-server");
        try {
            pool.map_unordered(payloads, [&](std::size_t, const Result& r) { statuses.push_back(r.status); });
            ADD_FAILURE() << "a server that keeps dying must end the pool";
        } catch (const PoolError& e) {
            error = e.what();
        }
    }
    EXPECT_NE(error.find("the fork server died 4 times within 60 s (the last time killed by SIGKILL"),
              std::string::npos) << error;
    EXPECT_NE(error.find("not starting it again"), std::string::npos) << error;
    ASSERT_EQ(statuses.size(), 10u) << "every task still gets its one result";
    int crashed = 0, cancelled = 0;
    for (Status s : statuses) {
        crashed += s == Status::Crashed;
        cancelled += s == Status::Cancelled;
    }
    EXPECT_EQ(crashed, 4) << "one task per server death: the first and three restarts";
    EXPECT_EQ(cancelled, 6);
    EXPECT_TRUE(children_of_this_process().empty());
}

TEST(PoolForkServerDeath, AServerThatCannotBeStartedAgainFailsTheQueueWithAClearError) {
    Pool pool(server_options(2));  // forked: the host has no thread yet
    // Now the host runs a thread, as a video decoder's would: no fork of it
    // is safe, and the handler is a lambda, not a registered name.
    std::mutex mutex;
    std::condition_variable cv;
    bool stop = false;
    std::thread host_thread([&] {
        std::unique_lock<std::mutex> lock(mutex);
        cv.wait(lock, [&] { return stop; });
    });
    const pid_t server = parent_of(pool.worker_pids().at(0));
    ASSERT_EQ(::kill(server, SIGKILL), 0);
    for (pid_t pid : pool.worker_pids()) ASSERT_TRUE(gone_soon(pid));  // so that none takes a task
    std::vector<Result> results;
    std::string error;
    try {
        pool.map_unordered(std::vector<std::string>(6, "sleep:1"),
                           [&](std::size_t, const Result& r) { results.push_back(r); });
    } catch (const PoolError& e) {
        error = e.what();
    }
    {
        std::lock_guard<std::mutex> lock(mutex);
        stop = true;
    }
    cv.notify_one();
    host_thread.join();
    EXPECT_NE(error.find("the fork server died (killed by SIGKILL (Killed)) and cannot be started again"),
              std::string::npos) << error;
    EXPECT_NE(error.find("threads"), std::string::npos) << error;
    ASSERT_EQ(results.size(), 6u);
    for (const Result& r : results) {
        EXPECT_EQ(r.status, Status::Cancelled);
        EXPECT_NE(r.value.find("cannot be started again"), std::string::npos) << r.value;
    }
    EXPECT_TRUE(reaped(server));
    EXPECT_TRUE(children_of_this_process().empty());
}

TEST(PoolForkServerDeath, AnInterruptWhileTheServerIsDeadStillEndsThePool) {
    // A terminal that hangs up sends SIGHUP to the whole group: the server
    // dies of it and the host's handler counts one interrupt.
    static volatile std::sig_atomic_t interrupts = 0;
    interrupts = 0;
    PoolOptions options = server_options(2);
    options.interrupts = &interrupts;
    Pool pool(options);
    std::vector<Status> statuses;
    pool.map_unordered(std::vector<std::string>(20, "sleep:40"), [&](std::size_t, const Result& r) {
        statuses.push_back(r.status);
        if (statuses.size() == 1) {
            interrupts = 1;
            ::kill(std::stoi(r.value), SIGKILL);
        }
    });
    ASSERT_EQ(statuses.size(), 20u);
    int ok = 0, crashed = 0, cancelled = 0;
    for (Status s : statuses) {
        ok += s == Status::Ok;
        crashed += s == Status::Crashed;
        cancelled += s == Status::Cancelled;
    }
    EXPECT_EQ(ok + crashed + cancelled, 20);
    EXPECT_LE(crashed, 2);
    EXPECT_GE(cancelled, 20 - 1 - 2 * 3) << "all but the first and what two workers held (3 each) never start";
    EXPECT_TRUE(children_of_this_process().empty()) << "interrupted, no new server is started";
}

}  // namespace
