// The batch features a user touches every day: input trees, lists and globs,
// mirrored outputs, resume, dry runs, in-place, reports, config files.
#include "cli_support.hpp"
#include "../sanitized_build.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using namespace cli_test;

/// in/ top.jpg  in/a/coffee.jpg  in/a/b/deep.png  in/notes.txt
void make_tree(const fs::path& in) {
    fs::create_directories(in / "a/b");
    fs::copy_file(kSamples / "astronaut.jpg", in / "top.jpg");
    fs::copy_file(kSamples / "coffee.jpg", in / "a/coffee.jpg");
    fs::copy_file(kSamples / "chelsea.png", in / "a/b/deep.png");
    std::ofstream(in / "notes.txt") << "not an image";
}

std::vector<nlohmann::json> read_report(const fs::path& path) {
    std::vector<nlohmann::json> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) rows.push_back(nlohmann::json::parse(line));  // throws if a line is not JSON
    return rows;
}

/// status of each input in a report, by input path (not the rows of files
/// of unsupported formats found beside them: notes.txt).
std::map<std::string, std::string> statuses(const std::vector<nlohmann::json>& rows) {
    std::map<std::string, std::string> by_input;
    for (const auto& row : rows) {
        if (!row.contains("summary") && row["status"] != "unsupported") by_input[row["input"]] = row["status"];
    }
    return by_input;
}

std::vector<std::string> files_under(const fs::path& root) {
    std::vector<std::string> found;
    if (!fs::exists(root)) return found;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (entry.is_regular_file()) found.push_back(fs::relative(entry.path(), root).string());
    }
    std::sort(found.begin(), found.end());
    return found;
}

std::vector<std::string> run_args(const Scratch& dir, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", (dir / "in").string(), "-r", "-o", (dir / "out").string(), "-q"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

TEST(CliBatch, ANestedTreeIsMirroredUnderTheOutputFolder) {
    Scratch dir;
    make_tree(dir / "in");
    Outcome r = run_pixpool(run_args(dir, {"-f", "gaussian_blur:sigma=2"}));
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_EQ(files_under(dir / "out"),
              (std::vector<std::string>{".pixpool-journal.jsonl", "a/b/deep.png", "a/coffee.jpg", "top.jpg"}));
}

TEST(CliBatch, TheReportHasOneJsonLinePerInputAndASummary) {
    Scratch dir;
    make_tree(dir / "in");
    std::ofstream(dir / "in/broken.jpg") << "garbage";
    Outcome r = run_pixpool(run_args(dir, {"-f", "gaussian_blur:sigma=2", "--report", (dir / "report.jsonl").string()}));
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    auto rows = read_report(dir / "report.jsonl");
    ASSERT_EQ(rows.size(), 6u);  // four inputs, notes.txt (not read: unsupported format) and the summary
    auto status = statuses(rows);
    EXPECT_EQ(rows[4]["input"], (dir / "in/notes.txt").string());
    EXPECT_EQ(rows[4]["status"], "unsupported");
    EXPECT_EQ(rows[4]["error"], "unsupported format .txt");
    EXPECT_EQ(status[(dir / "in/broken.jpg").string()], "failed");
    EXPECT_EQ(status[(dir / "in/a/coffee.jpg").string()], "ok");
    for (const auto& row : rows) {
        if (row.contains("summary") || row["status"] == "unsupported") continue;
        for (const char* key : {"input", "output", "status", "error", "width", "height", "megapixels", "decode_ms",
                                "filter_ms", "encode_ms", "worker", "pid"}) {
            EXPECT_TRUE(row.contains(key)) << key << " missing in " << row.dump();
        }
        if (row["status"] == "ok") {
            EXPECT_GT(row["width"].get<int>(), 0);
            EXPECT_GT(row["decode_ms"].get<double>(), 0);
        } else {
            EXPECT_NE(row["error"].get<std::string>().find("broken.jpg: cannot decode"), std::string::npos);
        }
    }
    const auto& summary = rows.back();
    EXPECT_TRUE(summary["summary"].get<bool>());
    EXPECT_EQ(summary["ok"], 3);
    EXPECT_EQ(summary["failed"], 1);
    EXPECT_EQ(summary["workers"], 2);
}

TEST(CliBatch, ARerunSkipsWhatIsDoneRedoesWhatIsMissingAndRedoesAllWhenTheChainChanges) {
    Scratch dir;
    make_tree(dir / "in");
    auto report = [&](const char* name) { return (dir / name).string(); };
    ASSERT_EQ(run_pixpool(run_args(dir, {"-f", "gaussian_blur:sigma=2"})).status, 0);

    Outcome again = run_pixpool(run_args(dir, {"-f", "gaussian_blur:sigma=2", "--report", report("r2.jsonl")}));
    ASSERT_EQ(again.status, 0);
    for (const auto& [input, status] : statuses(read_report(report("r2.jsonl")))) EXPECT_EQ(status, "skipped") << input;
    EXPECT_EQ(again.err, "") << "-q prints nothing but errors";

    fs::remove(dir / "out/a/coffee.jpg");
    ASSERT_EQ(run_pixpool(run_args(dir, {"-f", "gaussian_blur:sigma=2", "--report", report("r3.jsonl")})).status, 0);
    auto third = statuses(read_report(report("r3.jsonl")));
    EXPECT_EQ(third[(dir / "in/a/coffee.jpg").string()], "ok");
    EXPECT_EQ(third[(dir / "in/top.jpg").string()], "skipped");
    EXPECT_TRUE(fs::exists(dir / "out/a/coffee.jpg"));

    ASSERT_EQ(run_pixpool(run_args(dir, {"-f", "gaussian_blur:sigma=5", "--report", report("r4.jsonl")})).status, 0);
    for (const auto& [input, status] : statuses(read_report(report("r4.jsonl")))) EXPECT_EQ(status, "ok") << input;

    ASSERT_EQ(run_pixpool(run_args(dir, {"-f", "gaussian_blur:sigma=5", "--overwrite", "--report", report("r5.jsonl")}))
                  .status,
              0);
    for (const auto& [input, status] : statuses(read_report(report("r5.jsonl")))) EXPECT_EQ(status, "ok") << input;
}

TEST(CliBatch, AnInputChangedAfterItsOutputIsRedone) {
    Scratch dir;
    make_tree(dir / "in");
    ASSERT_EQ(run_pixpool(run_args(dir, {"-f", "grayscale"})).status, 0);
    fs::copy_file(kSamples / "rocket.webp", dir / "in/top.jpg", fs::copy_options::overwrite_existing);
    ASSERT_EQ(run_pixpool(run_args(dir, {"-f", "grayscale", "--report", (dir / "r.jsonl").string()})).status, 0);
    EXPECT_EQ(statuses(read_report(dir / "r.jsonl"))[(dir / "in/top.jpg").string()], "ok");
}

TEST(CliBatch, DryRunPrintsThePlanAndWritesNothing) {
    Scratch dir;
    make_tree(dir / "in");
    Outcome r = run_pixpool(run_args(dir, {"-f", "gaussian_blur", "--dry-run"}));
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("write: " + (dir / "in/a/coffee.jpg").string() + " -> " + (dir / "out/a/coffee.jpg").string()),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("skip (unsupported format .txt): " + (dir / "in/notes.txt").string()), std::string::npos)
        << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4)
        << "one plan line per file found (three images, one text file) on stdout:\n" << r.out;
    EXPECT_EQ(r.err, "") << "-q prints nothing but errors";
    EXPECT_FALSE(fs::exists(dir / "out")) << "a dry run must not even create the output folder";
}

TEST(CliBatch, FilesFromWithNulSeparatedOddNames) {
    Scratch dir;
    fs::create_directories(dir / "in");
    std::vector<fs::path> names = {dir / "in/with space.jpg", dir / "in/new\nline.jpg", dir / "in/-dash.jpg",
                                   dir / "in/été.jpg"};
    {
        std::ofstream list(dir / "list", std::ios::binary);
        for (const auto& name : names) {
            fs::copy_file(kSamples / "coffee.jpg", name);
            list << name.string() << '\0';
        }
    }
    Outcome r = run_pixpool({"run", "--files-from", (dir / "list").string(), "-0", "-o", (dir / "out").string(),
                             "-f", "box_blur", "-q"});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    for (const auto& name : names) {
        EXPECT_FALSE(cv::imread((dir / "out" / name.filename()).string()).empty()) << name;
    }
}

TEST(CliBatch, GlobsAreExpandedByPixpoolAndExtLimitsFolders) {
    Scratch dir;
    make_tree(dir / "in");
    Outcome glob = run_pixpool({"run", (dir / "in/**/*.jpg").string(), "-o", (dir / "g").string(), "-q"});
    ASSERT_EQ(glob.status, 0) << glob.out << glob.err;
    EXPECT_EQ(files_under(dir / "g"), (std::vector<std::string>{".pixpool-journal.jsonl", "a/coffee.jpg", "top.jpg"}));
    Outcome ext = run_pixpool({"run", (dir / "in").string(), "-r", "--ext", "png", "-o", (dir / "e").string(), "-q"});
    ASSERT_EQ(ext.status, 0);
    EXPECT_EQ(files_under(dir / "e"), (std::vector<std::string>{".pixpool-journal.jsonl", "a/b/deep.png"}));
}

TEST(CliBatch, AnOutputFolderInsideTheInputIsNotReadBack) {
    Scratch dir;
    make_tree(dir / "in");
    std::vector<std::string> args = {"run", (dir / "in").string(), "-r", "-o", (dir / "in/blurred").string(), "-q",
                                     "--overwrite", "--report", (dir / "r.jsonl").string()};
    ASSERT_EQ(run_pixpool(args).status, 0);
    ASSERT_EQ(run_pixpool(args).status, 0);
    EXPECT_EQ(statuses(read_report(dir / "r.jsonl")).size(), 3u);
}

TEST(CliBatch, InPlaceReplacesTheFileAtomically) {
    Scratch dir;
    fs::create_directories(dir / "in");
    fs::copy_file(kSamples / "chelsea.png", dir / "in/cat.png");
    struct stat before {};
    ASSERT_EQ(::stat((dir / "in/cat.png").c_str(), &before), 0);
    Outcome refused = run_pixpool({"run", (dir / "in/cat.png").string(), "-o", (dir / "in").string(), "-f", "grayscale"});
    EXPECT_EQ(refused.status, 1);
    Outcome r = run_pixpool({"run", (dir / "in/cat.png").string(), "--in-place", "-f", "grayscale", "-q"});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    struct stat after {};
    ASSERT_EQ(::stat((dir / "in/cat.png").c_str(), &after), 0);
    EXPECT_NE(before.st_ino, after.st_ino) << "replaced by rename, not rewritten in place";
    EXPECT_EQ(cv::imread((dir / "in/cat.png").string(), cv::IMREAD_UNCHANGED).channels(), 1);
    EXPECT_EQ(files_under(dir / "in"), (std::vector<std::string>{"cat.png"})) << "no temporary file left";
}

TEST(CliBatch, ExitStatusesSayWhatHappened) {
    Scratch dir;
    make_tree(dir / "in");
    EXPECT_EQ(run_pixpool(run_args(dir, {})).status, 0);
    std::ofstream(dir / "in/bad.png") << "no";
    EXPECT_EQ(run_pixpool(run_args(dir, {})).status, 1);
    EXPECT_EQ(run_pixpool({"run", (dir / "in").string(), "-q"}).status, 2) << "no -o and no --in-place";
    EXPECT_EQ(run_pixpool({"run", "-o", (dir / "x").string()}).status, 2) << "no inputs";
    EXPECT_EQ(run_pixpool({"--config", (dir / "missing.toml").string(), "run", (dir / "in").string(), "-o",
                           (dir / "x").string()})
                  .status,
              2);
}

// Issue 13: the journal of a fast batch is not one write per file.
TEST(CliBatch, AFastBatchWritesItsJournalInFarFewerWritesThanFiles) {
    Scratch dir;
    constexpr int kFiles = 200;
    make_small_images(dir / "in", kFiles);
    const fs::path trace = dir / "writes.txt";
    // LeakSanitizer cannot run under ptrace and would fail pixpool at exit.
    const std::string leaks_off = kSanitizedBuild ? "ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_leaks=0\" " : "";
    // -y names each descriptor's file: the journal's writes are told apart.
    const std::string command = leaks_off + "strace -f -qq -y -e trace=write -o '" + trace.string() + "' '" + kBinary +
                                "' run '" + (dir / "in").string() + "' -o '" + (dir / "out").string() +
                                "' -f invert -q -j 2 >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << "strace or pixpool failed: " << command;
    int journal_writes = 0;
    std::ifstream lines(trace);
    for (std::string line; std::getline(lines, line);) {
        journal_writes += line.find("write(") != std::string::npos &&
                          line.find("/.pixpool-journal.jsonl>") != std::string::npos;
    }
    EXPECT_GT(journal_writes, 0);
    EXPECT_LT(journal_writes, kFiles / 4) << "the journal is written once per file again";
    // and nothing was left out of it: a rerun skips every file.
    const Outcome rerun = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-f", "invert"});
    ASSERT_EQ(rerun.status, 0) << rerun.err;
    EXPECT_NE(rerun.err.find("200 ok (200 skipped: already up to date)"), std::string::npos) << rerun.err;
}

TEST(CliBatch, AConfigFileSetsOptionsAndFlagsWin) {
    Scratch dir;
    make_tree(dir / "in");
    std::ofstream(dir / "pixpool.toml") << "[run]\n"
                                           "filter = [\"gaussian_blur:sigma=3\", \"grayscale\"]\n"
                                           "output = \"" << (dir / "out").string() << "\"\n"
                                           "recursive = true\n"
                                           "prefix = \"cfg_\"\n"
                                           "quiet = true\n";
    Outcome from_file = run_pixpool({"--config", (dir / "pixpool.toml").string(), "run", (dir / "in").string()});
    ASSERT_EQ(from_file.status, 0) << from_file.out << from_file.err;
    cv::Mat gray = cv::imread((dir / "out/a/cfg_coffee.jpg").string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(gray.empty());
    EXPECT_EQ(gray.channels(), 1) << "the file's filter chain ran";
    Outcome flags_win = run_pixpool({"--config", (dir / "pixpool.toml").string(), "run", (dir / "in").string(),
                                     "--prefix", "flag_", "-f", "box_blur"});
    ASSERT_EQ(flags_win.status, 0) << flags_win.out << flags_win.err;
    cv::Mat colour = cv::imread((dir / "out/a/flag_coffee.jpg").string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(colour.empty());
    EXPECT_EQ(colour.channels(), 3) << "-f on the command line replaces the file's chain";
}

}  // namespace
