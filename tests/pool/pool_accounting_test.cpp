// Exact accounting: a result already sent is never lost to the death that
// follows it, only the task a worker had started is Crashed, and no task
// runs more often than 1 + retries. Each execution is recorded in a file by
// the handler itself, and every reported status is checked against it.
#include <pixpool/pool.hpp>

#include <gtest/gtest.h>

#include "../sanitized_build.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using pixpool::Pool;
using pixpool::PoolOptions;
using pixpool::Result;
using pixpool::Status;

/// Appends one line per start of a task ("S <payload>") with O_APPEND, so
/// lines from several workers never mix.
class ExecutionLog {
public:
    ExecutionLog() : path_(testing::TempDir() + "pool_executions_" + std::to_string(::getpid()) + ".log") {
        ::unlink(path_.c_str());
    }
    ~ExecutionLog() { ::unlink(path_.c_str()); }
    void record(const std::string& what) const {
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        std::string line = what + "\n";
        (void)!::write(fd, line.data(), line.size());
        ::close(fd);
    }
    std::map<std::string, int> starts() const {
        std::map<std::string, int> count;
        std::ifstream in(path_);
        for (std::string line; std::getline(in, line);) ++count[line];
        return count;
    }

private:
    std::string path_;
};

/// The handler of the issue: echoes, throws, aborts, sleeps, segfaults,
/// exits or SIGKILLs itself according to the payload.
/// A "#N" suffix keeps every payload distinct.
std::string misbehave(const ExecutionLog& log, const std::string& tagged) {
    log.record(tagged);
    const std::string payload = tagged.substr(0, tagged.find('#'));
    if (payload.rfind("echo:", 0) == 0) return payload.substr(5);
    if (payload.rfind("throw:", 0) == 0) throw std::runtime_error(payload.substr(6));
    if (payload == "throwint") throw 42;
    if (payload == "abort") std::abort();
    if (payload.rfind("sleep:", 0) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(payload.substr(6))));
        return "slept";
    }
    if (payload == "segv") ::raise(SIGSEGV);
    if (payload == "exit") ::_exit(7);
    if (payload == "kill9") ::raise(SIGKILL);
    return "?";
}

void check_sequence(int retries) {
    ExecutionLog log;
    PoolOptions options;
    options.workers = 2;
    options.retries = retries;
    options.crash_budget = 1000;
    options.handler = [&log](const std::string& p) { return misbehave(log, p); };
    Pool pool(options);
    const std::vector<std::string> sequence = {"echo:a", "throw:bad", "throwint", "abort", "sleep:30",
                                               "segv",   "exit",      "kill9",    "echo:z"};
    const int rounds = 50;
    std::vector<std::string> payloads;
    for (int round = 0; round < rounds; ++round) {
        for (const auto& p : sequence) payloads.push_back(p + "#" + std::to_string(round));
    }
    auto results = pool.map(payloads);
    auto starts = log.starts();
    const int crash_attempts = 1 + retries;
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        const std::string& p = payloads[i];
        const std::string kind = p.substr(0, p.find_first_of(":#"));
        const Result& r = results[i];
        SCOPED_TRACE(p + " -> " + pixpool::to_string(r.status) + ": " + r.value);
        if (kind == "echo" || kind == "sleep") {
            EXPECT_EQ(r.status, Status::Ok);
            EXPECT_EQ(r.value, kind == "sleep" ? "slept" : p.substr(5, 1));
            EXPECT_EQ(r.attempts, 1);
        } else if (kind == "throw" || kind == "throwint") {
            EXPECT_EQ(r.status, Status::Failed);
            EXPECT_EQ(r.value, kind == "throw" ? "bad" : "unknown exception");
            EXPECT_EQ(r.attempts, 1);
        } else {
            EXPECT_EQ(r.status, Status::Crashed);
            EXPECT_EQ(r.attempts, crash_attempts);
            int expected = kind == "abort" ? -SIGABRT : kind == "segv" ? -SIGSEGV : kind == "kill9" ? -SIGKILL : 7;
            EXPECT_EQ(r.exit_code, expected);
        }
        EXPECT_EQ(starts[p], r.attempts) << "the handler ran this task another number of times than reported";
    }
}

TEST(PoolAccounting, MisbehavingSequenceFiftyTimesWithoutRetries) { check_sequence(0); }

TEST(PoolAccounting, MisbehavingSequenceFiftyTimesWithTwoRetries) { check_sequence(2); }

/// Children of `parent` (this process's workers), from /proc.
std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> pids;
    std::ifstream in("/proc/" + std::to_string(parent) + "/task/" + std::to_string(parent) + "/children");
    for (pid_t pid; in >> pid;) pids.push_back(pid);
    return pids;
}

/// A separate process (forked before the pool, so the test stays
/// single-threaded) that SIGKILLs a random worker every few milliseconds.
class RandomKiller {
public:
    explicit RandomKiller(pid_t master) {
        pid_ = ::fork();
        if (pid_ == 0) {
            std::mt19937 random(12345);
            while (::getppid() == master) {
                std::this_thread::sleep_for(std::chrono::milliseconds(2 + random() % 6));
                auto pids = children_of(master);
                pids.erase(std::remove(pids.begin(), pids.end(), ::getpid()), pids.end());
                if (!pids.empty()) ::kill(pids[random() % pids.size()], SIGKILL);
            }
            ::_exit(0);
        }
    }
    ~RandomKiller() { stop(); }
    void stop() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
    }
    pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
};

// Under ASan each fork copies the page tables of ASan's shadow memory: the
// hundreds of respawns here take over ten minutes on 2 cores.
TEST(PoolAccounting, PIXPOOL_UNLESS_ASAN(RandomKillsThroughTenThousandTasksAreAccountedExactly,
                                        EveryForkCopiesAsansShadowPageTables)) {
    for (int retries : {0, 1}) {
        SCOPED_TRACE("retries " + std::to_string(retries));
        ExecutionLog log;
        RandomKiller killer(::getpid());
        PoolOptions options;
        options.workers = 2;
        options.retries = retries;
        options.crash_budget = 100000;  // the killer also hits workers that are just starting
        options.handler = [&log](const std::string& p) {
            log.record(p);
            if (p[0] == 't') throw std::runtime_error("failed " + p);
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            return "done " + p;
        };
        std::vector<std::string> payloads;
        for (int i = 0; i < 10000; ++i) payloads.push_back((i % 10 == 3 ? "t" : "e") + std::to_string(i));
        std::vector<Result> results(payloads.size());
        std::vector<int> calls(payloads.size(), 0);
        {
            Pool pool(options);
            pool.map_unordered(payloads, [&](std::size_t i, const Result& r) {
                results[i] = r;
                ++calls[i];
            });
        }
        killer.stop();
        auto starts = log.starts();
        int crashed = 0;
        for (std::size_t i = 0; i < payloads.size(); ++i) {
            const std::string& p = payloads[i];
            const Result& r = results[i];
            SCOPED_TRACE(p + " -> " + pixpool::to_string(r.status) + ": " + r.value);
            ASSERT_EQ(calls[i], 1);
            ASSERT_LE(starts[p], 1 + retries) << "ran more often than 1 + retries";
            ASSERT_LE(starts[p], r.attempts) << "ran more often than reported";
            ASSERT_LE(r.attempts, 1 + retries);
            switch (r.status) {
                case Status::Ok:
                    ASSERT_EQ(p[0], 'e');
                    ASSERT_EQ(r.value, "done " + p);
                    ASSERT_GE(starts[p], 1);
                    break;
                case Status::Failed:
                    ASSERT_EQ(p[0], 't') << "only the throwing tasks fail";
                    ASSERT_EQ(r.value, "failed " + p);
                    ASSERT_GE(starts[p], 1);
                    break;
                case Status::Crashed:
                    ++crashed;
                    ASSERT_EQ(r.attempts, 1 + retries) << "a crashed task is retried as often as allowed";
                    ASSERT_EQ(r.exit_code, -SIGKILL);
                    // (The record can lag behind: a worker killed between
                    // saying it starts the task and the handler's first line
                    // started it without a line in the record.)
                    break;
                default: FAIL() << "unexpected status";
            }
        }
        std::cout << "retries " << retries << ": " << crashed << " of 10000 tasks crashed under random kills\n";
    }
}

}  // namespace
