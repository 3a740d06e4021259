/// Sharding a batch: the shards of one list are disjoint and cover it, a
/// file's shard depends on its own relative path only, and --shard reads
/// Slurm's and Kubernetes' variables or says which one is wrong.

#include "shard_key.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace pixpool {
namespace {

/// 1,000 paths shaped like a photo tree: year/month/IMG_NNNN.jpg.
std::vector<InputFile> photo_tree(int count, int first = 0) {
    std::vector<InputFile> files;
    for (int i = first; i < first + count; ++i) {
        std::string dir = std::to_string(2015 + i % 10) + "/" + std::to_string(1 + i % 12);
        files.push_back({"photos/" + dir + "/IMG_" + std::to_string(i) + ".jpg", dir});
    }
    return files;
}

std::map<std::string, unsigned> shards_of(const std::vector<InputFile>& files, unsigned count) {
    std::map<std::string, unsigned> shard_by_key;
    for (const InputFile& file : files) {
        std::set<unsigned> owners;
        for (unsigned i = 0; i < count; ++i) {
            if (in_shard(file, {i, count})) owners.insert(i);
        }
        EXPECT_EQ(owners.size(), 1u) << file.path << " is in " << owners.size() << " of " << count << " shards";
        if (!owners.empty()) shard_by_key[shard_key(file)] = *owners.begin();
    }
    return shard_by_key;
}

TEST(Shard, ShardsAreDisjointAndCoverTheBatch) {
    const auto files = photo_tree(1000);
    for (unsigned count : {1u, 3u, 7u}) {
        std::vector<std::size_t> sizes(count, 0);
        for (const auto& [key, shard] : shards_of(files, count)) ++sizes[shard];
        std::size_t total = 0;
        for (std::size_t size : sizes) total += size;
        EXPECT_EQ(total, files.size()) << count << " shards";
        for (std::size_t size : sizes) {  // balanced enough that no machine gets twice its share
            EXPECT_GT(size, files.size() / count * 2 / 3) << count << " shards";
            EXPECT_LT(size, files.size() / count * 4 / 3) << count << " shards";
        }
    }
}

TEST(Shard, AddingFilesMovesOnlyTheNewOnes) {
    auto files = photo_tree(1000);
    for (unsigned count : {3u, 7u}) {
        const auto before = shards_of(files, count);
        auto grown = files;
        for (const InputFile& extra : photo_tree(10, 5000)) grown.push_back(extra);
        const auto after = shards_of(grown, count);
        ASSERT_EQ(after.size(), 1010u);
        for (const auto& [key, shard] : before) EXPECT_EQ(after.at(key), shard) << key << " moved";
    }
}

TEST(Shard, OneMoreShardMovesAboutOneFileInNPlusOne) {
    const auto files = photo_tree(1000);
    const auto seven = shards_of(files, 7), eight = shards_of(files, 8);
    std::size_t moved = 0;
    for (const auto& [key, shard] : seven) {
        if (eight.at(key) != shard) {
            ++moved;
            EXPECT_EQ(eight.at(key), 7u) << key << " moved between old shards";  // only into the new one
        }
    }
    EXPECT_GT(moved, 1000u / 8 / 2);
    EXPECT_LT(moved, 1000u / 8 * 2);  // a modulo hash would move about 7 in 8
}

TEST(Shard, TheSameKeyGivesTheSameShardOnEveryMachine) {
    // FNV-1a 64 and the jump hash are fixed arithmetic, so these never change
    // with the compiler, the platform or the run; a change would send files to
    // other shards than the ones a running job's other tasks assume. The
    // values were computed by a separate Python implementation of both
    // (checked against FNV's published vectors: "" 0xcbf29ce484222325,
    // "a" 0xaf63dc4c8601ec8c, "foobar" 0x85944171f73967e8).
    EXPECT_EQ(shard_of("a.jpg", 4), 1u);
    EXPECT_EQ(shard_of("2024/05/IMG_0001.jpg", 7), 0u);
    EXPECT_EQ(shard_of("caf\xc3\xa9.png", 1000), 667u);
    EXPECT_EQ(shard_of("\xff\xfe not utf-8.jpg", 3), 0u);
    EXPECT_EQ(shard_of("anything", 1), 0u);
}

TEST(Shard, TheKeyIsThePathBelowTheInputRoot) {
    // The same tree mounted in two places splits the same way.
    EXPECT_EQ(shard_key({"/mnt/nfs/photos/2024/a.jpg", "2024"}), "2024/a.jpg");
    EXPECT_EQ(shard_key({"/scratch/photos/2024/a.jpg", "2024"}), "2024/a.jpg");
    EXPECT_EQ(shard_key({"some/where/b.png", ""}), "b.png");
}

/// A fake environment for parse_shard.
EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    };
}

std::string shard_error(const std::string& text, std::map<std::string, std::string> vars) {
    try {
        Shard shard = parse_shard(text, env_of(std::move(vars)));
        return "no error: " + shard.label();
    } catch (const ShardError& e) {
        return e.what();
    }
}

TEST(ParseShard, ExplicitIndexAndCount) {
    EXPECT_EQ(parse_shard("0/4", env_of({})), (Shard{0, 4}));
    EXPECT_EQ(parse_shard("3/4", env_of({})), (Shard{3, 4}));
    EXPECT_EQ(parse_shard("0/1", env_of({})), (Shard{0, 1}));
    EXPECT_EQ(shard_error("4/4", {}), "--shard 4/4: the index counts from 0, so it must be below 4");
    for (const char* bad : {"", "4", "/4", "1/", "a/4", "-1/4", "1/0", "1/-3", "1/4/5", " 1/4", "0x1/4"}) {
        EXPECT_NE(shard_error(bad, {}).find(std::string("--shard ") + bad + ":"), std::string::npos) << bad;
    }
}

TEST(ParseShard, SlurmArrayTask) {
    EXPECT_EQ(parse_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})),
              (Shard{2, 4}));
    // --array=1-4: the first task is shard 0.
    EXPECT_EQ(parse_shard("auto", env_of({{"SLURM_ARRAY_TASK_ID", "1"},
                                           {"SLURM_ARRAY_TASK_MIN", "1"},
                                           {"SLURM_ARRAY_TASK_MAX", "4"}})),
              (Shard{0, 4}));
    EXPECT_EQ(parse_shard("auto/4", env_of({{"SLURM_ARRAY_TASK_ID", "3"}, {"SLURM_ARRAY_TASK_COUNT", "4"}})),
              (Shard{3, 4}));
    EXPECT_EQ(parse_shard("auto/4", env_of({{"SLURM_ARRAY_TASK_ID", "3"}})), (Shard{3, 4}));
}

TEST(ParseShard, SlurmVariablesMissingOrContradictoryAreNamed) {
    EXPECT_EQ(shard_error("auto", {{"SLURM_ARRAY_TASK_ID", "2"}}),
              "--shard auto: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor "
              "SLURM_ARRAY_TASK_MIN/MAX is: say the count with --shard auto/N");
    EXPECT_EQ(shard_error("auto", {{"SLURM_ARRAY_TASK_ID", "x"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
              "--shard auto: SLURM_ARRAY_TASK_ID='x' is not a whole number");
    EXPECT_EQ(shard_error("auto/3", {{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
              "--shard auto/3: the Slurm array has 4 tasks (SLURM_ARRAY_TASK_COUNT=4)");
    EXPECT_EQ(shard_error("auto", {{"SLURM_ARRAY_TASK_ID", "4"}, {"SLURM_ARRAY_TASK_COUNT", "4"}}),
              "--shard auto: SLURM_ARRAY_TASK_ID=4 is outside the array's 4 tasks from 0");
    // --array=0-8:2 has 5 tasks spread over 9 ids: no dense index.
    EXPECT_NE(shard_error("auto", {{"SLURM_ARRAY_TASK_ID", "2"},
                                   {"SLURM_ARRAY_TASK_COUNT", "5"},
                                   {"SLURM_ARRAY_TASK_MIN", "0"},
                                   {"SLURM_ARRAY_TASK_MAX", "8"}})
                  .find("SLURM_ARRAY_TASK_COUNT=5 but SLURM_ARRAY_TASK_MIN=0..SLURM_ARRAY_TASK_MAX=8 spans 9 tasks"),
              std::string::npos);
}

TEST(ParseShard, KubernetesIndexedJob) {
    EXPECT_EQ(parse_shard("auto/5", env_of({{"JOB_COMPLETION_INDEX", "4"}})), (Shard{4, 5}));
    EXPECT_NE(shard_error("auto", {{"JOB_COMPLETION_INDEX", "1"}}).find("Kubernetes does not export"),
              std::string::npos);
    EXPECT_EQ(shard_error("auto/5", {{"JOB_COMPLETION_INDEX", "5"}}),
              "--shard auto/5: JOB_COMPLETION_INDEX=5 is not below the count");
}

TEST(ParseShard, AutoWithoutAnEngineOrWithTwo) {
    EXPECT_NE(shard_error("auto", {}).find("neither SLURM_ARRAY_TASK_ID"), std::string::npos);
    EXPECT_NE(shard_error("auto/4", {{"SLURM_ARRAY_TASK_ID", "1"}, {"JOB_COMPLETION_INDEX", "1"}})
                  .find("both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX are set"),
              std::string::npos);
}

}  // namespace
}  // namespace pixpool
