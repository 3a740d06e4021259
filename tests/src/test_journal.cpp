/// The resume journal's writes: records that come fast wait and go out
/// together, none is lost when the journal ends, one after a pause is on
/// disk at once, and a failed write counts every record it held.

#include "journal.hpp"
#include "input_file.hpp"

#include "test_util.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace pixpool::detail {
namespace {

using test_util::TempDir;
namespace fs = std::filesystem;

constexpr const char* kRecipe = "invert";

/// `count` inputs in/iN.ppm, each with its output out/oN.ppm written after it.
struct Files {
    std::vector<std::string> inputs, outputs;
};

Files make_files(const TempDir& dir, int count) {
    Files files;
    fs::create_directories(dir.path() / "in");
    fs::create_directories(dir.path() / "out");
    for (int i = 0; i < count; ++i) {
        files.inputs.push_back(dir / ("in/i" + std::to_string(i) + ".ppm"));
        files.outputs.push_back(dir / ("out/o" + std::to_string(i) + ".ppm"));
        test_util::write_bytes(files.inputs.back(), "input " + std::to_string(i));
        test_util::write_bytes(files.outputs.back(), "output " + std::to_string(i));
    }
    return files;
}

void record(Journal& journal, const Files& files, int i) {
    FileIdentity read;
    ASSERT_TRUE(identity_of_path(files.inputs[i], read));
    journal.record(files.inputs[i], files.outputs[i], kRecipe, read);
}

/// The lines of the journal file as they are on disk now.
std::vector<std::string> lines_on_disk(const Journal& journal) {
    std::istringstream in(test_util::read_bytes(journal.path()));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

bool names(const std::string& line, const std::string& path) {
    return line.find("\"" + Journal::identity_of(path) + "\"") != std::string::npos;
}

TEST(Journal, RecordsInQuickSuccessionAreAllOnDiskOnceTheJournalEnds) {
    TempDir dir;
    const Files files = make_files(dir, 300);
    {
        Journal journal(dir / "out");
        for (int i = 0; i < 300; ++i) record(journal, files, i);
    }
    const Journal reread(dir / "out");
    EXPECT_TRUE(reread.problems().empty()) << reread.problems().front();
    EXPECT_EQ(lines_on_disk(reread).size(), 300u);
    for (int i = 0; i < 300; ++i) {
        EXPECT_TRUE(reread.up_to_date(files.inputs[i], files.outputs[i], kRecipe)) << files.outputs[i];
    }
}

TEST(Journal, FlushWritesWhatWaitsBeforeTheJournalEnds) {
    TempDir dir;
    const Files files = make_files(dir, 40);
    Journal journal(dir / "out");
    for (int i = 0; i < 40; ++i) record(journal, files, i);
    journal.flush();
    const std::vector<std::string> lines = lines_on_disk(journal);
    ASSERT_EQ(lines.size(), 40u);
    for (int i = 0; i < 40; ++i) EXPECT_TRUE(names(lines[i], files.outputs[i])) << lines[i];
    EXPECT_TRUE(journal.problems().empty());
}

TEST(Journal, ARecordAfterAPauseOf50MsIsOnDiskAtOnceWithWhatWaited) {
    TempDir dir;
    const Files files = make_files(dir, 3);
    Journal journal(dir / "out");
    record(journal, files, 0);
    record(journal, files, 1);  // may wait: the journal was written just now
    // The pause is what is tested, not a wait for something: 60 ms is past
    // the rule's 50 however slow the machine, so this cannot flake.
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
    record(journal, files, 2);
    const std::vector<std::string> lines = lines_on_disk(journal);  // before the journal ends
    ASSERT_EQ(lines.size(), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(names(lines[i], files.outputs[i])) << lines[i];
}

TEST(Journal, ThePlanIsWrittenAtOnceAfterTheRecordsWaiting) {
    TempDir dir;
    const Files files = make_files(dir, 2);
    Journal journal(dir / "out");
    record(journal, files, 0);
    record(journal, files, 1);
    JournalPlan plan;
    plan.out_dir = Journal::identity_of(dir / "out");
    plan.shard_files = {2};
    for (int i = 0; i < 2; ++i) {
        plan.inputs.push_back(Journal::identity_of(files.inputs[i]));
        plan.outputs.push_back(Journal::identity_of(files.outputs[i]));
    }
    journal.record_plan(plan);
    const std::vector<std::string> lines = lines_on_disk(journal);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_TRUE(names(lines[0], files.outputs[0]));
    EXPECT_TRUE(names(lines[1], files.outputs[1]));
    EXPECT_EQ(lines[2].rfind("{\"plan\":", 0), 0u) << lines[2];
    ASSERT_TRUE(journal.plan());
    EXPECT_EQ(*journal.plan(), plan);
}

TEST(Journal, AFailedWriteCountsEveryRecordItHeldAsUnrecorded) {
    TempDir dir;
    const Files files = make_files(dir, 25);
    Journal journal(dir / "out");
    // After the journal was read (reading /dev/full never ends): every write fails with ENOSPC.
    fs::create_symlink("/dev/full", dir.path() / "out" / Journal::kFileName);
    for (int i = 0; i < 25; ++i) record(journal, files, i);
    journal.flush();
    const std::vector<std::string> problems = journal.problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems[0].find(journal.path() + ": cannot write: No space left on device (25 outputs not recorded"),
              std::string::npos)
        << problems[0];
    EXPECT_TRUE(journal.last_outcomes().empty()) << "a record that was never written counts as written";
}

}  // namespace
}  // namespace pixpool::detail
