// Ctrl-C, SIGTERM and killed workers during a real `pixpool run`.
#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <cstring>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace {

using namespace cli_test;

/// Photo-sized inputs made at test time, big enough that each file takes a
/// while with an exact large-sigma blur.
void make_inputs(const fs::path& folder, int count) {
    fs::create_directories(folder);
    cv::RNG rng(7);
    for (int i = 0; i < count; ++i) {
        cv::Mat image(1500, 2000, CV_8UC3);
        rng.fill(image, cv::RNG::UNIFORM, 0, 255);
        cv::imwrite((folder / ("in" + std::to_string(i) + ".png")).string(), image, {cv::IMWRITE_PNG_COMPRESSION, 0});
    }
}

std::size_t count_files(const fs::path& folder, const std::string& needle) {
    std::size_t n = 0;
    std::error_code ec;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        n += it->path().filename().string().find(needle) != std::string::npos;
    }
    return n;
}

/// Worker pids named in the log files.
std::set<pid_t> worker_pids_in_logs(const fs::path& logs) {
    std::set<pid_t> pids;
    std::error_code ec;
    for (fs::directory_iterator it(logs, ec), end; !ec && it != end; it.increment(ec)) {
        std::ifstream in(it->path());
        std::stringstream s;
        s << in.rdbuf();
        std::string text = s.str();
        std::regex re("pid ([0-9]+)\\]");
        for (std::sregex_iterator m(text.begin(), text.end(), re), e; m != e; ++m) pids.insert(std::stoi((*m)[1]));
    }
    return pids;
}

bool alive(pid_t pid) {
    return ::kill(pid, 0) == 0;
}

void wait_for(const std::function<bool()>& condition, std::chrono::seconds limit = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!condition() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::vector<std::string> slow_run(const Scratch& dir) {
    return {"run", (dir / "in").string(), "-o", (dir / "out").string(), "-j", "2", "--log-dir",
            (dir / "logs").string(), "--log-level", "debug", "-f", "gaussian_blur:sigma=25,precision=exact"};
}

TEST(CliSignals, FirstInterruptFinishesRunningFilesAndExits130) {
    Scratch dir;
    make_inputs(dir / "in", 12);
    Process p(slow_run(dir));
    wait_for([&] { return count_files(dir / "out", ".png") >= 1; });
    p.signal(SIGINT);
    int status = p.finish();
    EXPECT_EQ(status, 130) << p.out << p.err;
    EXPECT_NE(p.err.find("not processed (interrupted)"), std::string::npos) << p.err;
    std::size_t written = count_files(dir / "out", ".png") - count_files(dir / "out", ".pixpool-tmp");
    EXPECT_GE(written, 1u);
    EXPECT_LT(written, 12u) << "the interrupt stopped nothing";
    EXPECT_EQ(count_files(dir / "out", ".pixpool-tmp"), 0u) << "a partial file was left";
    for (pid_t pid : worker_pids_in_logs(dir / "logs")) EXPECT_FALSE(alive(pid)) << "worker " << pid << " survived";
    for (const auto& entry : fs::directory_iterator(dir / "out")) {
        if (entry.path().filename().string().front() == '.') continue;  // the resume journal
        EXPECT_FALSE(cv::imread(entry.path().string()).empty()) << "unreadable output " << entry.path();
    }
}

// Small files finish many per 50 ms, so their journal records wait in
// memory (src/journal.hpp): an interrupt must still leave every one on disk.
TEST(CliSignals, AnInterruptedBatchOfSmallFilesJournalsEveryOutputItWrote) {
    Scratch dir;
    make_small_images(dir / "in", 3000);
    const std::vector<std::string> run = {"run", (dir / "in").string(), "-o", (dir / "out").string(), "-f", "invert",
                                          "-j", "2", "-q"};
    Process p(run);
    wait_for([&] { return count_files(dir / "out", ".ppm") >= 100; });
    p.signal(SIGINT);
    ASSERT_EQ(p.finish(), 130) << "the batch was not interrupted mid-way: " << p.err;
    std::set<std::string> written;
    for (const auto& entry : fs::directory_iterator(dir / "out")) {
        const std::string name = entry.path().filename().string();
        if (name.front() != '.') written.insert(name);  // not the journal
    }
    EXPECT_GE(written.size(), 100u);
    EXPECT_LT(written.size(), 3000u) << "the interrupt stopped nothing";
    // A rerun skips exactly the outputs that are there.
    std::vector<std::string> dry_run = run;
    dry_run.push_back("--dry-run");
    const Outcome plan = run_pixpool(dry_run);
    ASSERT_EQ(plan.status, 0) << plan.err;
    std::set<std::string> skipped;
    std::istringstream lines(plan.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("skip (up to date): ", 0) == 0) skipped.insert(fs::path(line).filename().string());
    }
    EXPECT_EQ(skipped.size(), written.size()) << "outputs written but not journaled are made again";
    EXPECT_TRUE(skipped == written);
}

TEST(CliSignals, SecondInterruptStopsAtOnceAndLeavesNoPartialFile) {
    Scratch dir;
    make_inputs(dir / "in", 12);
    Process p(slow_run(dir));
    wait_for([&] { return worker_pids_in_logs(dir / "logs").size() >= 2; });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    p.signal(SIGINT);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto second = std::chrono::steady_clock::now();
    p.signal(SIGINT);
    int status = p.finish();
    EXPECT_LT(std::chrono::steady_clock::now() - second, std::chrono::seconds(3));
    EXPECT_EQ(status, 130) << p.out << p.err;
    EXPECT_EQ(count_files(dir / "out", ".pixpool-tmp"), 0u);
    for (pid_t pid : worker_pids_in_logs(dir / "logs")) EXPECT_FALSE(alive(pid)) << "worker " << pid << " survived";
}

TEST(CliSignals, SigtermSighupAndSigquitActLikeTheFirstInterrupt) {
    for (int signal : {SIGTERM, SIGHUP, SIGQUIT}) {
        Scratch dir;
        make_inputs(dir / "in", 6);
        Process p(slow_run(dir));
        wait_for([&] { return count_files(dir / "out", ".png") >= 1; });
        p.signal(signal);
        EXPECT_EQ(p.finish(), 130) << strsignal(signal) << p.out << p.err;
        EXPECT_NE(p.err.find("not processed (interrupted)"), std::string::npos) << strsignal(signal) << p.err;
        EXPECT_EQ(count_files(dir / "out", ".pixpool-tmp"), 0u);
    }
}

TEST(CliSignals, AWorkerKilledMidBatchCostsNoFileThanksToTheRetry) {
    Scratch dir;
    make_inputs(dir / "in", 6);
    Process p(slow_run(dir));
    wait_for([&] { return worker_pids_in_logs(dir / "logs").size() >= 2; });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    pid_t victim = *worker_pids_in_logs(dir / "logs").begin();
    ASSERT_EQ(::kill(victim, SIGKILL), 0);
    int status = p.finish();
    EXPECT_EQ(status, 0) << p.out << p.err;
    EXPECT_NE(p.err.find("6 ok, 0 failed"), std::string::npos) << p.err;
    EXPECT_EQ(count_files(dir / "out", ".png"), 6u);
}

TEST(CliSignals, AKilledForkServerCostsNoFileThanksToTheRetry) {
    Scratch dir;
    make_inputs(dir / "in", 6);
    std::vector<std::string> args = slow_run(dir);
    args.insert(args.end(), {"--start-method", "forkserver"});
    Process p(args);
    wait_for([&] { return worker_pids_in_logs(dir / "logs").size() >= 2; });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::set<pid_t> workers = worker_pids_in_logs(dir / "logs");
    ASSERT_FALSE(workers.empty());
    const pid_t server = parent_of(*workers.begin());
    ASSERT_NE(server, p.pid()) << "the workers are the fork server's children";
    ASSERT_EQ(parent_of(server), p.pid());
    ASSERT_EQ(::kill(server, SIGKILL), 0);
    int status = p.finish();
    EXPECT_EQ(status, 0) << p.out << p.err;
    EXPECT_NE(p.err.find("6 ok, 0 failed"), std::string::npos) << p.err;
    EXPECT_EQ(count_files(dir / "out", ".png"), 6u);
}

}  // namespace
