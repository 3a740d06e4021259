/// Sharded batches end to end through run_batch: each shard its own
/// journal, together the same outputs as one unsplit run, status counted
/// from the journals, and no mixing of two different splits in one folder.

#include <pixpool/batch.hpp>
#include <pixpool/status.hpp>

#include "test_util.hpp"

#include <opencv2/imgcodecs.hpp>

#include <gtest/gtest.h>

#include <set>

namespace pixpool {
namespace {

using test_util::TempDir;
namespace fs = std::filesystem;

/// `count` small PNGs in photos/a, photos/b (and one that is not an image).
std::string make_photos(const TempDir& dir, int count) {
    const std::string root = dir / "photos";
    for (int i = 0; i < count; ++i) {
        fs::path sub = fs::path(root) / (i % 2 ? "a" : "b");
        fs::create_directories(sub);
        cv::Mat image(8 + i, 12, CV_8UC3, cv::Scalar(i * 7 % 256, 90, 200));
        cv::imwrite((sub / ("img" + std::to_string(i) + ".png")).string(), image);
    }
    test_util::write_bytes((fs::path(root) / "a" / "broken.png").string(), "not a png");
    return root;
}

BatchOptions batch_of(const std::string& photos, const std::string& out, Shard shard) {
    BatchOptions options;
    options.input.paths = {photos};
    options.input.recursive = true;
    options.out_dir = out;
    options.filter_specs = {"gaussian_blur:sigma=1"};
    options.run_inline = true;
    options.shard = shard;
    return options;
}

/// Every regular file below `dir` that is not a journal, relative, with its bytes.
std::map<std::string, std::string> outputs_in(const std::string& dir) {
    std::map<std::string, std::string> found;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || name.rfind(".pixpool-journal", 0) == 0) continue;
        found[entry.path().lexically_relative(dir).string()] = test_util::read_bytes(entry.path().string());
    }
    return found;
}

TEST(ShardedBatch, ThreeShardsMakeWhatOneRunMakesEachFileOnce) {
    TempDir dir;
    const std::string photos = make_photos(dir, 20);
    BatchReport whole = run_batch(batch_of(photos, dir / "whole", {}));
    ASSERT_EQ(whole.files.size(), 21u);

    std::multiset<std::string> inputs_seen;
    for (unsigned i = 0; i < 3; ++i) {
        BatchReport shard = run_batch(batch_of(photos, dir / "split", {i, 3}));
        EXPECT_GT(shard.files.size(), 2u) << "shard " << i;
        for (const FileReport& file : shard.files) inputs_seen.insert(file.input);
    }
    std::set<std::string> unique(inputs_seen.begin(), inputs_seen.end());
    EXPECT_EQ(inputs_seen.size(), 21u);
    EXPECT_EQ(unique.size(), 21u);
    EXPECT_EQ(outputs_in(dir / "split"), outputs_in(dir / "whole"));
    EXPECT_EQ(test_util::names_containing(dir.path() / "split", ".pixpool-journal").size(), 3u);
    for (unsigned i = 0; i < 3; ++i) {
        EXPECT_TRUE(fs::exists(dir / ("split/.pixpool-journal.shard-" + std::to_string(i) + "-of-3.jsonl")));
    }
}

TEST(ShardedBatch, StatusCountsDoneFailedAndMissingPerShard) {
    TempDir dir;
    const std::string photos = make_photos(dir, 20);
    const std::string out = dir / "out";
    EXPECT_NE(test_util::error_of<std::runtime_error>([&] { batch_status(out); }).find("no pixpool journal"),
              std::string::npos);

    BatchReport first = run_batch(batch_of(photos, out, {1, 3}));
    BatchStatus partial = batch_status(out);
    ASSERT_EQ(partial.shards.size(), 3u);
    EXPECT_EQ(partial.files, 21u);
    EXPECT_TRUE(partial.shards[1].started);
    EXPECT_FALSE(partial.shards[0].started);
    EXPECT_EQ(partial.shards[1].done + partial.shards[1].failed, first.files.size());
    EXPECT_EQ(partial.shards[0].missing + partial.shards[2].missing, 21u - first.files.size());
    EXPECT_FALSE(partial.all_done());

    for (unsigned i : {0u, 2u}) run_batch(batch_of(photos, out, {i, 3}));
    BatchStatus after = batch_status(out);
    EXPECT_EQ(after.done, 20u);
    EXPECT_EQ(after.failed, 1u);
    EXPECT_EQ(after.missing, 0u);
    EXPECT_FALSE(after.all_done());  // broken.png failed
    std::string text = describe(after);
    EXPECT_NE(text.find("all: 21 files: 20 done, 1 failed, 0 missing"), std::string::npos) << text;
    EXPECT_NE(text.find("broken.png: cannot decode"), std::string::npos) << text;

    fs::remove(fs::path(photos) / "a" / "broken.png");
    fs::remove(fs::path(out) / "b" / "img0.png");  // an output deleted since: missing again
    BatchStatus deleted = batch_status(out);
    EXPECT_EQ(deleted.missing, 1u);
    for (unsigned i = 0; i < 3; ++i) run_batch(batch_of(photos, out, {i, 3}));
    BatchStatus done = batch_status(out);
    EXPECT_EQ(done.files, 20u);
    EXPECT_EQ(done.done, 20u);
    EXPECT_TRUE(done.all_done()) << describe(done);
}

TEST(ShardedBatch, ARerunOfOneShardResumesFromItsOwnJournal) {
    TempDir dir;
    const std::string photos = make_photos(dir, 12);
    const std::string out = dir / "out";
    BatchReport first = run_batch(batch_of(photos, out, {0, 2}));
    BatchReport again = run_batch(batch_of(photos, out, {0, 2}));
    EXPECT_EQ(again.skipped, first.ok);
    BatchReport other = run_batch(batch_of(photos, out, {1, 2}));
    EXPECT_EQ(other.skipped, 0u);  // the other shard's journal is not its own
}

TEST(ShardedBatch, AnotherSplitOfTheSameFolderIsRefusedUnlessOverwrite) {
    TempDir dir;
    const std::string photos = make_photos(dir, 16);  // enough that shard 0/4 has files to write
    const std::string out = dir / "out";
    run_batch(batch_of(photos, out, {0, 3}));
    const std::string error =
        test_util::error_of<std::runtime_error>([&] { run_batch(batch_of(photos, out, {0, 4})); });
    EXPECT_NE(error.find("holds the journal of a batch split 3 ways (.pixpool-journal.shard-0-of-3.jsonl) and this "
                         "run is split 4 ways: run it with --shard I/3 as before, or say --overwrite"),
              std::string::npos)
        << error;
    EXPECT_NE(test_util::error_of<std::runtime_error>([&] { run_batch(batch_of(photos, out, {})); })
                  .find("this run is unsplit"),
              std::string::npos);

    BatchOptions overwrite = batch_of(photos, out, {0, 4});
    overwrite.overwrite = true;
    run_batch(overwrite);
    EXPECT_EQ(test_util::names_containing(out, ".pixpool-journal"),
              (std::vector<std::string>{".pixpool-journal.shard-0-of-4.jsonl"}));
}

}  // namespace
}  // namespace pixpool
