// PoolOptions::worker_stderr: what workers write to stderr comes to the
// host line by line, and none of it reaches the host's own stderr.
#include <pixpool/pool.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using pixpool::Pool;
using pixpool::PoolOptions;
using pixpool::StartMethod;
using pixpool::Status;

/// This process's stderr goes to a file while it lives; text() reads it.
class HostStderr {
public:
    HostStderr() : path_(testing::TempDir() + "host-stderr-" + std::to_string(::getpid())) {
        std::fflush(stderr);
        saved_ = ::dup(STDERR_FILENO);
        const int file = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ::dup2(file, STDERR_FILENO);
        ::close(file);
    }
    ~HostStderr() {
        restore();
        std::remove(path_.c_str());
    }
    void restore() {
        if (saved_ < 0) return;
        std::fflush(stderr);
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        saved_ = -1;
    }
    std::string text() const {
        std::ifstream in(path_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    std::string path_;
    int saved_ = -1;
};

/// "say:TEXT" writes TEXT and a newline to stderr; "flood:N" writes N lines
/// (far more than a pipe holds); "tail:TEXT" writes TEXT with no newline;
/// "die:TEXT" writes a line, then exits mid-task.
std::string chatty(const std::string& payload) {
    const std::string what = payload.substr(0, payload.find(':'));
    const std::string text = payload.substr(payload.find(':') + 1);
    if (what == "say") std::fprintf(stderr, "%s\n", text.c_str());
    if (what == "tail") std::fprintf(stderr, "%s", text.c_str());
    if (what == "flood") {
        for (int i = 0; i < std::stoi(text); ++i) std::fprintf(stderr, "flood line %06d of a worker that says a lot\n", i);
    }
    if (what == "die") {
        std::fprintf(stderr, "%s\n", text.c_str());
        std::_Exit(3);
    }
    return payload;
}

class WorkerStderr : public testing::TestWithParam<StartMethod> {
protected:
    PoolOptions options() {
        PoolOptions o;
        o.workers = 2;
        o.start_method = GetParam();
        o.handler = chatty;
        o.worker_stderr = [this](const std::string& line) { lines.push_back(line); };
        return o;
    }
    std::size_t count(const std::string& line) const {
        return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), line));
    }
    std::vector<std::string> lines;
};

TEST_P(WorkerStderr, EachLineComesToTheHostOnceAndNoneReachesItsStderr) {
    HostStderr host;
    {
        Pool pool(options());
        std::vector<std::string> payloads;
        for (int i = 0; i < 40; ++i) payloads.push_back("say:line " + std::to_string(i));
        for (const auto& result : pool.map(payloads)) EXPECT_EQ(result.status, Status::Ok);
        // Lines come while the pool runs, before their task's result.
        EXPECT_EQ(lines.size(), 40u);
        EXPECT_EQ(pool.map({"tail:the last words, with no newline"})[0].status, Status::Ok);
    }
    host.restore();
    for (int i = 0; i < 40; ++i) EXPECT_EQ(count("line " + std::to_string(i)), 1u) << i;
    EXPECT_EQ(count("the last words, with no newline"), 1u);
    EXPECT_EQ(host.text(), "");
}

TEST_P(WorkerStderr, AWorkerThatFloodsItsStderrDoesNotStallThePool) {
    Pool pool(options());
    const auto results = pool.map({"flood:20000", "say:after the flood"});
    EXPECT_EQ(results[0].status, Status::Ok);
    EXPECT_EQ(results[1].status, Status::Ok);
    EXPECT_EQ(count("flood line 019999 of a worker that says a lot"), 1u);
    EXPECT_EQ(count("after the flood"), 1u);
    EXPECT_EQ(lines.size(), 20001u);
}

TEST_P(WorkerStderr, ADyingWorkersLastLineIsKept) {
    HostStderr host;
    PoolOptions o = options();
    o.retries = 0;
    {
        Pool pool(o);
        EXPECT_EQ(pool.map({"die:about to exit"})[0].status, Status::Crashed);
    }
    host.restore();
    EXPECT_EQ(count("about to exit"), 1u);
    EXPECT_EQ(host.text(), "");
}

INSTANTIATE_TEST_SUITE_P(StartMethods, WorkerStderr, testing::Values(StartMethod::Fork, StartMethod::ForkServer),
                         [](const testing::TestParamInfo<StartMethod>& info) {
                             return info.param == StartMethod::Fork ? std::string("Fork") : std::string("ForkServer");
                         });

}  // namespace
