// One batch split over several runs (issue 15): --shard I/N and auto from
// Slurm's and Kubernetes' variables, a shard killed and resumed from its own
// journal, `pixpool status` before, during and after, and merge-reports
// over shards with a failure.
#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace {

using namespace cli_test;

/// in/a/p0.png ... in/b/p11.png (noise, so no two outputs are alike) and in/a/broken.jpg.
void make_corpus(const fs::path& in, int count, int width = 64) {
    fs::create_directories(in / "a");
    fs::create_directories(in / "b");
    for (int i = 0; i < count; ++i) {
        cv::Mat image(width * 3 / 4, width, CV_8UC3);
        cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
        cv::imwrite((in / (i % 2 ? "a" : "b") / ("p" + std::to_string(i) + ".png")).string(), image);
    }
    std::ofstream(in / "a/broken.jpg") << "not a jpeg";
}

std::vector<std::string> run_args(const Scratch& dir, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", (dir / "in").string(), "-r", "-o", (dir / "out").string(), "-q",
                                     "-f", "gaussian_blur:sigma=2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

Outcome run_with_env(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    Outcome outcome = run_pixpool(args);
    for (const auto& [name, value] : env) ::unsetenv(name.c_str());
    return outcome;
}

/// The "write: IN -> OUT" lines of a dry run: the inputs it would do.
std::set<std::string> planned_inputs(const std::string& plan) {
    std::set<std::string> inputs;
    std::istringstream lines(plan);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("write: ", 0) == 0) inputs.insert(line.substr(7, line.find(" -> ") - 7));
    }
    return inputs;
}

std::size_t lines_with(const fs::path& path, const std::string& text) {
    std::ifstream in(path);
    std::size_t count = 0;
    for (std::string line; std::getline(in, line);) count += line.find(text) != std::string::npos;
    return count;
}

TEST(CliShard, DryRunListsEachShardsFilesAndTheShardsCoverTheBatchOnce) {
    Scratch dir;
    make_corpus(dir / "in", 30);
    std::multiset<std::string> all;
    for (int i = 0; i < 3; ++i) {
        Outcome r = run_pixpool(run_args(dir, {"--dry-run", "--shard", std::to_string(i) + "/3"}));
        ASSERT_EQ(r.status, 0) << r.out << r.err;
        EXPECT_EQ(r.err, "") << "-q: the plan on stdout, nothing else";
        std::set<std::string> mine = planned_inputs(r.out);
        EXPECT_GT(mine.size(), 3u);
        all.insert(mine.begin(), mine.end());
    }
    Outcome whole = run_pixpool(run_args(dir, {"--dry-run"}));
    const std::set<std::string> batch = planned_inputs(whole.out);
    EXPECT_EQ(batch.size(), 31u);
    EXPECT_EQ(all.size(), batch.size());
    EXPECT_EQ(std::set<std::string>(all.begin(), all.end()), batch);
    EXPECT_FALSE(fs::exists(dir / "out")) << "a dry run writes nothing";
}

TEST(CliShard, AutoReadsSlurmAndKubernetesAndNamesWhatIsWrong) {
    Scratch dir;
    make_corpus(dir / "in", 8);
    const auto dry = run_args(dir, {"--dry-run", "--shard", "auto"});
    Outcome slurm = run_with_env(dry, {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "2"}});
    EXPECT_EQ(slurm.status, 0) << slurm.err;
    EXPECT_EQ(planned_inputs(slurm.out), planned_inputs(run_pixpool(run_args(dir, {"-n", "--shard", "1/2"})).out));

    auto k8s_args = run_args(dir, {"--dry-run", "--shard", "auto/2"});
    Outcome k8s = run_with_env(k8s_args, {{"JOB_COMPLETION_INDEX", "0"}});
    EXPECT_EQ(k8s.status, 0) << k8s.err;
    EXPECT_EQ(planned_inputs(k8s.out), planned_inputs(run_pixpool(run_args(dir, {"-n", "--shard", "0/2"})).out));

    Outcome missing = run_pixpool(dry);
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.err.find("neither SLURM_ARRAY_TASK_ID"), std::string::npos) << missing.err;
    Outcome no_count = run_with_env(dry, {{"JOB_COMPLETION_INDEX", "1"}});
    EXPECT_EQ(no_count.status, 2);
    EXPECT_NE(no_count.err.find("JOB_COMPLETION_INDEX is set but Kubernetes does not export"), std::string::npos);
    Outcome contradiction = run_with_env(run_args(dir, {"-n", "--shard", "auto/3"}),
                                         {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}});
    EXPECT_EQ(contradiction.status, 2);
    EXPECT_NE(contradiction.err.find("SLURM_ARRAY_TASK_COUNT=4"), std::string::npos) << contradiction.err;
    Outcome bad = run_pixpool(run_args(dir, {"--shard", "3/3"}));
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("--shard 3/3: the index counts from 0"), std::string::npos) << bad.err;
}

TEST(CliShard, AShardKilledMidwayResumesFromItsOwnJournalAndStatusFollowsIt) {
    Scratch dir;
    make_corpus(dir / "in", 24, 1200);  // big enough that one worker takes a while
    Outcome before = run_pixpool({"status", (dir / "out").string()});
    EXPECT_EQ(before.status, 2);
    EXPECT_NE(before.err.find("no pixpool journal"), std::string::npos) << before.err;

    const fs::path journal = dir / "out/.pixpool-journal.shard-1-of-2.jsonl";
    Process run(run_args(dir, {"--shard", "1/2", "-j", "1"}));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (lines_with(journal, "\"recipe\"") < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    run.signal(SIGKILL);
    EXPECT_EQ(run.finish(), 128 + SIGKILL);
    const std::size_t written = lines_with(journal, "\"recipe\"");
    ASSERT_GE(written, 2u);

    Outcome during = run_pixpool({"status", (dir / "out").string()});
    EXPECT_EQ(during.status, 1);
    EXPECT_NE(during.out.find("shard 0/2: "), std::string::npos) << during.out;
    EXPECT_NE(during.out.find("(not started)"), std::string::npos) << during.out;
    EXPECT_NE(during.out.find("files: " + std::to_string(written) + " done"), std::string::npos) << during.out;

    // The rerun of shard 1 does only the rest; shard 0 then does its share.
    Outcome again = run_pixpool(run_args(dir, {"--shard", "1/2", "--report", (dir / "r1.jsonl").string()}));
    EXPECT_LE(again.status, 1) << again.err;
    EXPECT_EQ(lines_with(dir / "r1.jsonl", "\"status\":\"skipped\""), written);
    Outcome other = run_pixpool(run_args(dir, {"--shard", "0/2", "--report", (dir / "r0.jsonl").string()}));
    EXPECT_LE(other.status, 1) << other.err;
    EXPECT_EQ(lines_with(dir / "r0.jsonl", "\"status\":\"skipped\""), 0u);

    Outcome after = run_pixpool({"status", (dir / "out").string()});
    EXPECT_EQ(after.status, 1) << "broken.jpg failed";
    EXPECT_NE(after.out.find("all: 25 files: 24 done, 1 failed, 0 missing"), std::string::npos) << after.out;
    EXPECT_NE(after.out.find("failed: " + (dir / "in/a/broken.jpg").string() + ": cannot decode"), std::string::npos)
        << after.out;

    fs::remove(dir / "in/a/broken.jpg");
    for (const char* shard : {"0/2", "1/2"}) run_pixpool(run_args(dir, {"--shard", shard}));
    Outcome done = run_pixpool({"status", (dir / "out").string()});
    EXPECT_EQ(done.status, 0) << done.out;
    EXPECT_NE(done.out.find("all: 24 files: 24 done, 0 failed, 0 missing"), std::string::npos) << done.out;
}

TEST(CliShard, MergeReportsGivesOneRowPerInputAndASummaryOverTheShards) {
    Scratch dir;
    make_corpus(dir / "in", 12);
    const std::string report = (dir / "report-{shard}.jsonl").string();
    for (const char* shard : {"0/3", "1/3", "2/3"}) run_pixpool(run_args(dir, {"--shard", shard, "--report", report}));
    std::vector<std::string> args = {"merge-reports"};
    for (int i = 0; i < 3; ++i) {
        const fs::path path = dir / ("report-" + std::to_string(i) + "-of-3.jsonl");
        ASSERT_TRUE(fs::exists(path)) << path;
        args.push_back(path.string());
    }
    Outcome merged = run_pixpool(args);
    EXPECT_EQ(merged.status, 1) << "one input failed";
    std::vector<nlohmann::json> rows;
    std::istringstream lines(merged.out);
    for (std::string line; std::getline(lines, line);) rows.push_back(nlohmann::json::parse(line));
    ASSERT_EQ(rows.size(), 14u);  // 13 inputs and the summary
    std::set<std::string> inputs;
    for (std::size_t i = 0; i + 1 < rows.size(); ++i) inputs.insert(rows[i]["input"].get<std::string>());
    EXPECT_EQ(inputs.size(), 13u);
    const nlohmann::json& summary = rows.back();
    EXPECT_EQ(summary["reports"], 3);
    EXPECT_EQ(summary["files"], 13);
    EXPECT_EQ(summary["ok"], 12);
    EXPECT_EQ(summary["failed"], 1);
    EXPECT_EQ(summary["rows_replaced_by_a_later_report"], 0);

    // A shard's rerun report after the first one: its rows replace the first's.
    run_pixpool(run_args(dir, {"--shard", "0/3", "--report", (dir / "rerun.jsonl").string()}));
    args.push_back((dir / "rerun.jsonl").string());
    Outcome with_rerun = run_pixpool(args);
    EXPECT_NE(with_rerun.out.find("\"files\":13,"), std::string::npos) << with_rerun.out;
    EXPECT_EQ(with_rerun.out.find("\"rows_replaced_by_a_later_report\":0"), std::string::npos);
}

}  // namespace
