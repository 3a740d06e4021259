// Lifetimes and hygiene: futures that outlive their pool, callbacks that
// throw, moved pools, the fork server in a thread-free host, and workers
// that hold no descriptor of their host.
#include <pixpool/pool.hpp>

#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

namespace {

using pixpool::Pool;
using pixpool::PoolError;
using pixpool::PoolOptions;
using pixpool::Result;
using pixpool::StartMethod;
using pixpool::Status;

PoolOptions echo_options(int workers = 2) {
    PoolOptions options;
    options.workers = workers;
    options.handler = [](const std::string& payload) {
        if (payload == "segv") ::raise(SIGSEGV);
        return "echo:" + payload;
    };
    return options;
}

TEST(PoolLifetime, AFutureThatOutlivesItsPoolIsInvalidAndGetThrows) {
    std::optional<pixpool::TaskFuture> future;
    {
        Pool pool(echo_options());
        future = pool.submit("late");
        EXPECT_TRUE(future->valid());
    }
    EXPECT_FALSE(future->valid());
    EXPECT_FALSE(future->ready());
    EXPECT_THROW((void)future->get(), PoolError);
}

TEST(PoolLifetime, DroppedFuturesStillRunAndLeaveNothingBehind) {
    std::string path = testing::TempDir() + "dropped_futures_" + std::to_string(::getpid());
    ::unlink(path.c_str());
    PoolOptions options = echo_options();
    options.handler = [path](const std::string& payload) {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        (void)!::write(fd, "x", 1);
        ::close(fd);
        return payload;
    };
    {
        Pool pool(options);
        for (int i = 0; i < 20; ++i) (void)pool.submit("fire and forget");
        auto kept = pool.submit("kept");
        EXPECT_EQ(kept.get().value, "kept");
    }  // the pool's end runs what is queued
    std::ifstream in(path);
    std::string ran((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(ran.size(), 21u) << "a dropped future's task still runs";
    ::unlink(path.c_str());
}

TEST(PoolLifetime, ACallbackThatThrowsStopsTheCallAndThePoolGoesOn) {
    Pool pool(echo_options());
    std::vector<std::string> payloads(50, "x");
    int seen = 0;
    try {
        pool.map_unordered(payloads, [&](std::size_t, const Result&) {
            if (++seen == 3) throw std::runtime_error("caller gave up");
        });
        FAIL() << "the callback's exception must reach the caller";
    } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "caller gave up");
    }
    EXPECT_EQ(seen, 3) << "no call after the one that threw";
    EXPECT_EQ(pool.tasks_queued(), 0u) << "the call's queued tasks are dropped";
    // Still usable, and the abandoned call's late results go nowhere.
    auto results = pool.map({"a", "b"});
    EXPECT_EQ(results[0].value, "echo:a");
    EXPECT_EQ(results[1].value, "echo:b");
    EXPECT_EQ(seen, 3);
}

TEST(PoolLifetime, AMovedPoolKeepsItsWorkersAndFutures) {
    Pool first(echo_options());
    auto pids = first.worker_pids();
    auto future = first.submit("before the move");
    Pool second(std::move(first));
    EXPECT_EQ(second.worker_pids(), pids);
    EXPECT_EQ(future.get().value, "echo:before the move");
    EXPECT_EQ(second.submit("after").get().value, "echo:after");
    EXPECT_THROW((void)first.submit("moved from"), PoolError);  // NOLINT(bugprone-use-after-move)
    Pool third(echo_options(1));
    third = std::move(second);  // the old third's worker is ended and reaped
    EXPECT_EQ(third.worker_pids(), pids);
    EXPECT_EQ(third.map({"c"})[0].value, "echo:c");
}

TEST(PoolLifetime, ForkServerForksEveryWorkerAndItsReplacements) {
    PoolOptions options = echo_options();
    options.start_method = StartMethod::ForkServer;
    options.max_tasks_per_worker = 5;
    Pool pool(options);
    for (pid_t pid : pool.worker_pids()) {
        std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
        std::string comm, state;
        pid_t self, parent;
        stat >> self >> comm >> state >> parent;
        EXPECT_NE(parent, ::getpid()) << "a fork server's worker is the server's child, not the host's";
    }
    Result crash = pool.submit("segv").get();
    EXPECT_EQ(crash.status, Status::Crashed);
    EXPECT_EQ(crash.exit_code, -SIGSEGV);
    EXPECT_NE(crash.value.find("killed by SIGSEGV"), std::string::npos) << crash.value;
    std::vector<std::string> payloads(40, "p");
    auto results = pool.map(payloads);
    std::set<pid_t> pids;
    for (const auto& r : results) {
        EXPECT_TRUE(r.ok()) << r.value;
        pids.insert(r.pid);
    }
    EXPECT_GE(pids.size(), 8u) << "workers are recycled after 5 tasks each";
}

/// What a worker has open: the targets of /proc/self/fd.
std::string open_descriptors(const std::string&) {
    std::string out;
    DIR* dir = ::opendir("/proc/self/fd");
    while (dirent* e = ::readdir(dir)) {
        if (e->d_name[0] == '.') continue;
        char target[512];
        ssize_t n = ::readlink((std::string("/proc/self/fd/") + e->d_name).c_str(), target, sizeof target - 1);
        if (n > 0) out += std::string(e->d_name) + "=" + std::string(target, static_cast<std::size_t>(n)) + "\n";
    }
    ::closedir(dir);
    return out;
}

std::string socket_inode(int fd) {
    char target[128];
    ssize_t n = ::readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), target, sizeof target - 1);
    return n > 0 ? std::string(target, static_cast<std::size_t>(n)) : "";
}

TEST(PoolLifetime, WorkersHoldNoDescriptorOfTheHost) {
    // Opened without close-on-exec, as careless hosts do.
    std::string path = testing::TempDir() + "host_report_" + std::to_string(::getpid()) + ".jsonl";
    int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(listener, 4), 0);
    int kept = ::open("/dev/null", O_RDONLY);
    const std::string listener_target = socket_inode(listener);
    for (StartMethod method : {StartMethod::Fork, StartMethod::ForkServer}) {
        PoolOptions options;
        options.workers = 2;
        options.handler = open_descriptors;
        options.start_method = method;
        options.inherit_fds = {kept};
        Pool pool(options);
        for (const Result& r : pool.map({"a", "b", "c", "d"})) {
            ASSERT_TRUE(r.ok()) << r.value;
            EXPECT_EQ(r.value.find(path), std::string::npos) << r.value;
            EXPECT_EQ(r.value.find(listener_target), std::string::npos) << r.value;
            EXPECT_NE(r.value.find(std::to_string(kept) + "=/dev/null"), std::string::npos)
                << "an inherited descriptor stays at its number\n" << r.value;
            int count = 0;
            for (char c : r.value) count += c == '\n';
            EXPECT_LE(count, 6) << "0, 1, 2, the worker's socket, the inherited one, and opendir's own\n" << r.value;
        }
    }
    ::close(file);
    ::close(listener);
    ::close(kept);
    ::unlink(path.c_str());
}

TEST(PoolLifetime, TheHostsSigpipeDispositionIsLeftAlone) {
    struct sigaction before {};
    ::sigaction(SIGPIPE, nullptr, &before);
    {
        Pool pool(echo_options());
        (void)pool.map({"a"});
    }
    struct sigaction after {};
    ::sigaction(SIGPIPE, nullptr, &after);
    EXPECT_EQ(before.sa_handler, after.sa_handler);
}

}  // namespace
