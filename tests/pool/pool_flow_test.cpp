// Flow control: tasks and results of every size, both ways at once, with any
// number of tasks held per worker, through submit, map and map_unordered.
// Before the outgoing buffers, 50 tasks of 128 KB deadlocked the master.
#include <pixpool/pool.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace {

using pixpool::Pool;
using pixpool::PoolOptions;
using pixpool::Result;

/// A payload that says which task it is in every byte (so a result given to
/// the wrong task shows), and the result the handler makes of it.
std::string payload_for(std::size_t index, std::size_t size) {
    std::string p(size, static_cast<char>('a' + index % 26));
    std::string tag = std::to_string(index) + ":";
    std::memcpy(p.data(), tag.data(), std::min(tag.size(), size));
    return p;
}

std::string transform(const std::string& payload) {
    std::string out = payload;
    std::reverse(out.begin(), out.end());
    return out;
}

PoolOptions options_for(int workers) {
    PoolOptions options;
    options.workers = workers;
    options.handler = transform;
    options.timeout_seconds = 120;  // a hang fails the test instead of waiting for CTest
    return options;
}

enum class Verb { Submit, Map, MapUnordered };

struct Case {
    std::size_t bytes;
    int workers;
    Verb verb;
};

std::string name_of(const testing::TestParamInfo<Case>& info) {
    const char* verbs[] = {"Submit", "Map", "MapUnordered"};
    return std::to_string(info.param.bytes) + "B_" + std::to_string(info.param.workers) + "workers_" +
           verbs[static_cast<int>(info.param.verb)];
}

class PoolFlow : public testing::TestWithParam<Case> {};

TEST_P(PoolFlow, EveryResultArrivesWhole) {
    const Case c = GetParam();
    // 100 tasks, or as many as make 512 MB each way (32 of 16 MB, 4 of 256
    // MB: enough for each worker to hold several at once), to keep CI short.
    std::size_t tasks = std::min<std::size_t>(100, std::max<std::size_t>(4, (std::size_t{512} << 20) / std::max<std::size_t>(c.bytes, 1)));
    std::vector<std::string> payloads;
    for (std::size_t i = 0; i < tasks; ++i) payloads.push_back(payload_for(i, c.bytes));
    Pool pool(options_for(c.workers));
    std::vector<Result> results(tasks);
    if (c.verb == Verb::Map) {
        results = pool.map(payloads);
    } else if (c.verb == Verb::MapUnordered) {
        std::size_t calls = 0;
        pool.map_unordered(payloads, [&](std::size_t i, const Result& r) {
            results[i] = r;
            ++calls;
        });
        EXPECT_EQ(calls, tasks);
    } else {
        std::vector<pixpool::TaskFuture> futures;
        for (const auto& p : payloads) futures.push_back(pool.submit(p));
        for (std::size_t i = 0; i < tasks; ++i) results[i] = futures[i].get();
    }
    for (std::size_t i = 0; i < tasks; ++i) {
        ASSERT_TRUE(results[i].ok()) << i << ": " << results[i].value.substr(0, 200);
        ASSERT_EQ(results[i].value.size(), c.bytes) << i;
        ASSERT_TRUE(results[i].value == transform(payloads[i])) << "task " << i << " got another task's result";
    }
}

std::vector<Case> all_cases() {
    std::vector<Case> cases;
    for (std::size_t bytes : {std::size_t{0}, std::size_t{1} << 10, std::size_t{127} << 10, std::size_t{129} << 10,
                              std::size_t{1} << 20, std::size_t{16} << 20, std::size_t{256} << 20}) {
        for (int workers : {1, 2, 4}) {
            for (Verb verb : {Verb::Submit, Verb::Map, Verb::MapUnordered}) cases.push_back({bytes, workers, verb});
        }
    }
    return cases;
}

INSTANTIATE_TEST_SUITE_P(Sizes, PoolFlow, testing::ValuesIn(all_cases()), name_of);

TEST(PoolFlowLimits, AResultOverTheLimitFailsThatTaskOnly) {
    PoolOptions options = options_for(1);
    options.handler = [](const std::string& payload) {
        if (payload == "huge") return std::string(pixpool::kMaxMessageBytes + 1, 'x');
        return payload;
    };
    Pool pool(options);
    auto results = pool.map({"a", "huge", "b"});
    EXPECT_TRUE(results[0].ok());
    EXPECT_EQ(results[1].status, pixpool::Status::Failed);
    EXPECT_NE(results[1].value.find("over the pool's limit"), std::string::npos) << results[1].value;
    EXPECT_TRUE(results[2].ok()) << "the same worker goes on";
    EXPECT_EQ(results[0].pid, results[2].pid);
}

TEST(PoolFlowLimits, APayloadOverTheLimitIsRefusedAtSubmit) {
    Pool pool(options_for(1));
    EXPECT_THROW((void)pool.submit(std::string(pixpool::kMaxMessageBytes + 1, 'x')), pixpool::PoolError);
    EXPECT_TRUE(pool.submit("still fine").get().ok());
}

TEST(PoolFlowLimits, TimeoutStillFiresWhileBigResultsFlow) {
    PoolOptions options = options_for(2);
    options.timeout_seconds = 0.5;
    options.handler = [](const std::string& payload) {
        if (payload == "hang") ::pause();
        return std::string(3 << 20, 'r');
    };
    Pool pool(options);
    std::vector<std::string> payloads(8, std::string(3 << 20, 'p'));
    payloads[3] = "hang";
    auto results = pool.map(payloads);
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        if (i == 3) {
            EXPECT_EQ(results[i].status, pixpool::Status::TimedOut);
        } else {
            EXPECT_TRUE(results[i].ok()) << i << ": " << results[i].value.substr(0, 100);
        }
    }
}

}  // namespace
