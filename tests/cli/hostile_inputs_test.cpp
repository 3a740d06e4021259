// Issue 11: batches that never lose, damage or misreport a file, tried as an
// attacker and as a careless user would: names that are not UTF-8, FIFOs and
// devices posing as images, a disk that fails mid-file, a journal that is
// torn or mistyped, inputs replaced behind the journal's back.
#include "cli_support.hpp"

#include <pixpool/json_names.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>

namespace {

using namespace cli_test;
using Json = nlohmann::json;

void write_png(const fs::path& path, int seed, int size = 64) {
    cv::Mat image(size, size, CV_8UC3);
    cv::randu(image, cv::Scalar::all(seed), cv::Scalar::all(seed + 40));
    // Uncompressed, so two images of one size are files of one size.
    if (!cv::imwrite(path.string(), image, {cv::IMWRITE_PNG_COMPRESSION, 0}))
        throw std::runtime_error("cannot write " + path.string());
}

std::vector<Json> json_lines(const fs::path& path) {
    std::vector<Json> rows;
    std::ifstream in(path, std::ios::binary);
    for (std::string line; std::getline(in, line);) rows.push_back(Json::parse(line));
    return rows;
}

/// The journal's records of outputs written (it also holds the plan and failures, for `pixpool status`).
std::vector<Json> output_records(const fs::path& journal) {
    std::vector<Json> records;
    for (Json& row : json_lines(journal)) {
        if (row.contains("recipe")) records.push_back(std::move(row));
    }
    return records;
}

std::string base64_of(const Json& row, const std::string& key) { return row.value(key + "_base64", ""); }

/// The exact bytes of a name that put_name wrote (base64 when not UTF-8).
std::string exact_name(const Json& row, const std::string& key) {
    const std::string encoded = base64_of(row, key);
    return encoded.empty() ? row[key].get<std::string>() : pixpool::from_base64(encoded).value_or("<not base64>");
}

/// The rows of a --report, by status.
std::map<std::string, int> status_counts(const std::vector<Json>& rows) {
    std::map<std::string, int> counts;
    for (const Json& row : rows) {
        if (!row.contains("summary")) ++counts[row["status"].get<std::string>()];
    }
    return counts;
}

std::vector<std::string> run_args(const Scratch& dir, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q",
                                     "-f", "invert"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

TEST(HostileInputs, ANameThatIsNotUtf8IsProcessedAndCarriedExactlyInTheJournalAndTheReport) {
    Scratch dir;
    fs::create_directories(dir / "in");
    const std::string bad_name = "old\xff\xfe.png";
    write_png(dir / "in" / bad_name, 10);
    write_png(dir / "in/plain.png", 20);

    auto first = run_pixpool(run_args(dir, {"--report", (dir / "report.jsonl").string()}));
    ASSERT_EQ(first.status, 0) << first.out << first.err;
    EXPECT_TRUE(fs::exists(dir / "out" / bad_name));

    const std::string exact_input = (dir / "in" / bad_name).string();
    const std::string exact_output = (dir / "out" / bad_name).string();
    std::set<std::string> reported_inputs, reported_outputs;
    for (const Json& row : json_lines(dir / "report.jsonl")) {
        if (row.contains("summary")) continue;
        EXPECT_EQ(row["status"], "ok");
        reported_inputs.insert(exact_name(row, "input"));
        reported_outputs.insert(exact_name(row, "output"));
        if (!base64_of(row, "input").empty()) {  // readable too, with U+FFFD for each bad byte
            EXPECT_EQ(row["input"], (dir / "in").string() + "/old\xEF\xBF\xBD\xEF\xBF\xBD.png");
        }
    }
    EXPECT_EQ(reported_inputs.count(exact_input), 1u);
    EXPECT_EQ(reported_outputs.count(exact_output), 1u);

    std::set<std::string> journaled_outputs;
    for (const Json& row : output_records(dir / "out/.pixpool-journal.jsonl")) {
        journaled_outputs.insert(exact_name(row, "output"));
    }
    EXPECT_EQ(journaled_outputs.count(exact_output), 1u);
    EXPECT_EQ(journaled_outputs.size(), 2u);
    // The rerun finds the record by the exact bytes and skips both files.
    auto second = run_pixpool(run_args(dir, {"--report", (dir / "again.jsonl").string()}));
    ASSERT_EQ(second.status, 0) << second.out << second.err;
    EXPECT_EQ(status_counts(json_lines(dir / "again.jsonl"))["skipped"], 2);
}

TEST(HostileInputs, AFifoAndADeviceBehindAJpgNameAreOneClearErrorEachAndNothingBlocks) {
    Scratch dir;
    fs::create_directories(dir / "in");
    ASSERT_EQ(::mkfifo((dir / "in/x.jpg").c_str(), 0644), 0);
    fs::create_symlink("/dev/zero", dir / "in/zero.jpg");
    fs::create_symlink("/dev/urandom", dir / "in/random.jpg");
    write_png(dir / "in/good.png", 30);

    const auto started = std::chrono::steady_clock::now();
    auto r = run_pixpool(run_args(dir));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("x.jpg: not a regular file: a FIFO"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("zero.jpg: not a regular file: a character device"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("random.jpg: not a regular file: a character device"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(dir / "out/good.png"));
    EXPECT_LT(seconds, 60);  // a blocked open would hang until the CTest timeout
}

TEST(HostileInputs, ARegularFileStillSaysEmptyWhenItIsEmpty) {
    Scratch dir;
    fs::create_directories(dir / "in");
    std::ofstream(dir / "in/empty.jpg").close();
    auto r = run_pixpool(run_args(dir));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("empty.jpg: cannot decode: the file is empty"), std::string::npos) << r.err;
}

/// A disk that fails: reads of the one input fail with EIO after `after` bytes.
Outcome run_on_failing_disk(const Scratch& dir, const std::string& name, long after) {
    std::vector<std::pair<std::string, std::string>> env = {
        {"LD_PRELOAD", EIO_SHIM_PATH}, {"PIXPOOL_EIO_PATH", name}, {"PIXPOOL_EIO_AFTER", std::to_string(after)}};
#ifdef PIXPOOL_SANITIZE
    // The preloaded shim comes before ASan's runtime in the library list,
    // which ASan refuses unless told (tests/sanitized_build.hpp).
    env.emplace_back("ASAN_OPTIONS", "verify_asan_link_order=0");
#endif
    return run_pixpool_with_env(run_args(dir, {"--report", (dir / "report.jsonl").string()}), env);
}

TEST(HostileInputs, AReadErrorMidFileIsTheFilesErrorNeverAWarningAndNeverJournaled) {
    for (long after : {0L, 65536L}) {
        Scratch dir;
        fs::create_directories(dir / "in");
        write_png(dir / "in/failing.png", 40, 256);  // 196 KB, uncompressed
        write_png(dir / "in/fine.png", 50);
        auto r = run_on_failing_disk(dir, "failing.png", after);
        EXPECT_EQ(r.status, 1) << after << r.out << r.err;
        EXPECT_NE(r.err.find("failing.png: cannot read: Input/output error"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(dir / "out/failing.png"));
        EXPECT_TRUE(fs::exists(dir / "out/fine.png"));
        const auto journal = output_records(dir / "out/.pixpool-journal.jsonl");
        ASSERT_EQ(journal.size(), 1u);
        EXPECT_NE(journal[0]["output"].get<std::string>().find("fine.png"), std::string::npos);
    }
}

TEST(HostileInputs, OverwriteRecordsInTheJournalSoALaterRunRedoesWhatItChanged) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_png(dir / "in/a.png", 60);
    ASSERT_EQ(run_pixpool(run_args(dir)).status, 0);                               // A: invert
    auto b = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "-f", "grayscale",
                          "--overwrite"});                                           // B over it
    ASSERT_EQ(b.status, 0) << b.out << b.err;
    ASSERT_EQ(cv::imread((dir / "out/a.png").string(), cv::IMREAD_UNCHANGED).channels(), 1);
    auto again = run_pixpool(run_args(dir, {"--report", (dir / "report.jsonl").string()}));  // A again
    ASSERT_EQ(again.status, 0);
    EXPECT_EQ(status_counts(json_lines(dir / "report.jsonl"))["ok"], 1);
    EXPECT_EQ(cv::imread((dir / "out/a.png").string(), cv::IMREAD_UNCHANGED).channels(), 3);
}

TEST(HostileInputs, AnInputReplacedWithAnOlderMtimeAndTheSameSizeIsRedone) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_png(dir / "in/a.png", 70);
    write_png(dir / "other.png", 170);
    ASSERT_EQ(fs::file_size(dir / "in/a.png"), fs::file_size(dir / "other.png"));
    ASSERT_EQ(run_pixpool(run_args(dir)).status, 0);
    // As `cp -p` or `rsync -a` would leave it: other pixels, the old size and mtime.
    struct stat old {};
    ASSERT_EQ(::stat((dir / "in/a.png").c_str(), &old), 0);
    fs::rename(dir / "other.png", dir / "in/a.png");
    const timespec times[2] = {old.st_atim, old.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, (dir / "in/a.png").c_str(), times, 0), 0);

    auto rerun = run_pixpool(run_args(dir, {"--report", (dir / "report.jsonl").string()}));
    ASSERT_EQ(rerun.status, 0) << rerun.out << rerun.err;
    EXPECT_EQ(status_counts(json_lines(dir / "report.jsonl"))["ok"], 1);
    cv::Mat expected;
    cv::bitwise_not(cv::imread((dir / "in/a.png").string()), expected);
    EXPECT_EQ(cv::norm(expected, cv::imread((dir / "out/a.png").string()), cv::NORM_INF), 0);
}

TEST(HostileInputs, TornAndMistypedJournalLinesAreSkippedAndCountedNamingTheJournal) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_png(dir / "in/a.png", 80);
    write_png(dir / "in/b.png", 90);
    ASSERT_EQ(run_pixpool(run_args(dir, {dir.path().string() + "/in/a.png"})).status, 0);
    const fs::path journal = dir / "out/.pixpool-journal.jsonl";
    {
        std::ofstream out(journal, std::ios::app);
        out << "{\"output\":1}\n{\"output\":null}\n[1,2]\n"
            << "{\"output\":\"x\",\"input\":\"y\",\"recipe\":\"z\",\"input_device\":1,\"input_inode\":2,"
               "\"input_size\":3,\"input_mtime_ns\":1e300,\"input_ctime_ns\":4}\n"
            << "{\"output\":\"torn";  // a run killed mid-line
    }
    // Not -q: the note is a warning in the summary, and -q prints only errors.
    auto r = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-f", "invert"});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_NE(r.err.find(journal.string() + ": skipped 5 lines that are not journal records"), std::string::npos)
        << r.err;
    // The record after the torn line is whole: a rerun skips both files.
    auto rerun = run_pixpool(run_args(dir, {"--report", (dir / "report.jsonl").string()}));
    ASSERT_EQ(rerun.status, 0) << rerun.out << rerun.err;
    EXPECT_EQ(status_counts(json_lines(dir / "report.jsonl"))["skipped"], 2);
}

TEST(HostileInputs, ANameOrPrefixThatLeavesTheOutputFolderIsRefusedBeforeAnyWork) {
    Scratch dir;
    fs::create_directories(dir / "in/sub");
    write_png(dir / "in/a.png", 120);
    write_png(dir / "in/sub/b.png", 125);
    const std::string elsewhere = (dir / "elsewhere").string();
    fs::create_directories(elsewhere);
    const std::vector<std::vector<std::string>> escaping = {
        {"--name", "../{stem}.{ext}"},
        {"--name", "{dir}/../../x_{stem}.{ext}"},
        {"--prefix", "../p_"},
        {"--prefix", elsewhere + "/p_"},
    };
    for (const auto& option : escaping) {
        auto r = run_pixpool({"run", (dir / "in").string(), "-r", "-o", (dir / "out").string(), "-q", option[0],
                              option[1]});
        EXPECT_EQ(r.status, 2) << option[1] << r.out << r.err;
        EXPECT_NE(r.err.find(option[0] + " '" + option[1] + "' puts the output of"), std::string::npos)
            << option[1] << r.err;
        EXPECT_NE(r.err.find("outside the output folder"), std::string::npos) << r.err;
        EXPECT_TRUE(fs::is_empty(elsewhere)) << option[1];
        EXPECT_FALSE(fs::exists(dir / "out")) << option[1] << ": nothing may be written, not even inside";
    }
    auto absolute = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "--name",
                                 elsewhere + "/{stem}.{ext}"});
    EXPECT_EQ(absolute.status, 2);
    EXPECT_NE(absolute.err.find("is an absolute path; outputs go below the output folder"), std::string::npos)
        << absolute.err;
    EXPECT_TRUE(fs::is_empty(elsewhere));
    // Going down, or up and back in, stays inside: allowed.
    auto inside = run_pixpool({"run", (dir / "in").string(), "-r", "-o", (dir / "out").string(), "-q", "--name",
                               "{dir}/x/../deep/{stem}.{ext}"});
    EXPECT_EQ(inside.status, 0) << inside.out << inside.err;
    EXPECT_TRUE(fs::exists(dir / "out/deep/a.png"));
    EXPECT_TRUE(fs::exists(dir / "out/sub/deep/b.png"));
}

TEST(HostileInputs, AnOutputFolderThatIsTheInputFolderIsRefusedInsteadOfDoingNothing) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_png(dir / "in/a.png", 130);
    auto r = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "in").string() + "/", "-q"});
    EXPECT_EQ(r.status, 2) << r.out << r.err;
    EXPECT_NE(r.err.find("is the input folder"), std::string::npos) << r.err;
    // The way that works: beside the inputs, under another name.
    auto beside = run_pixpool({"run", (dir / "in").string(), "--in-place", "--prefix", "p_", "-q", "-f", "invert"});
    EXPECT_EQ(beside.status, 0) << beside.out << beside.err;
    EXPECT_TRUE(fs::exists(dir / "in/p_a.png"));
}

TEST(HostileInputs, NamesOf255BytesAreWrittenAndReplaced) {
    Scratch dir;
    fs::create_directories(dir / "in");
    const std::string name = std::string(251, 'n') + ".png";  // the most a name may have
    write_png(dir / "in" / name, 140);
    for (int run = 0; run < 2; ++run) {  // the second replaces the first's output
        auto r = run_pixpool(run_args(dir, {"--overwrite"}));
        EXPECT_EQ(r.status, 0) << run << r.out << r.err;
        EXPECT_FALSE(cv::imread((dir / "out" / name).string()).empty()) << run;
    }
    for (const auto& entry : fs::directory_iterator(dir / "out"))
        EXPECT_EQ(entry.path().filename().string().find("pixpool-tmp"), std::string::npos) << entry.path();
}

/// A pid that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::waitpid(child, nullptr, 0);
    return child;
}

TEST(HostileInputs, StaleTemporariesOfDeadWorkersAreRemovedAndLiveOnesKept) {
    Scratch dir;
    fs::create_directories(dir / "in");
    fs::create_directories(dir / "out");
    write_png(dir / "in/a.png", 150);
    const std::string dead = std::to_string(dead_pid()), live = std::to_string(::getpid());
    const std::vector<std::string> stale = {".pixpool-tmp-" + dead + "-1a2b3c4d", ".a.png.pixpool-tmp-" + dead + "-Xy12Z9"};
    const std::string kept = ".pixpool-tmp-" + live + "-00000000";
    for (const auto& name : stale) std::ofstream(dir / "out" / name) << "partial";
    std::ofstream(dir / "out" / kept) << "being written";
    auto r = run_pixpool(run_args(dir));
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    for (const auto& name : stale) EXPECT_FALSE(fs::exists(dir / "out" / name)) << name;
    EXPECT_TRUE(fs::exists(dir / "out" / kept));
}

TEST(HostileInputs, TimeoutIsValidatedAndDefaultsToTenMinutes) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_png(dir / "in/a.png", 100);
    for (const char* bad : {"nan", "1e300", "-1", "inf"}) {
        auto r = run_pixpool(run_args(dir, {"--timeout", bad}));
        EXPECT_EQ(r.status, 2) << bad << r.out << r.err;
        EXPECT_NE(r.err.find("--timeout must be a number in [0, 604800], got '" + std::string(bad) + "'"),
                  std::string::npos)
            << bad << r.err;
        EXPECT_FALSE(fs::exists(dir / "out/a.png")) << bad;
    }
    EXPECT_EQ(run_pixpool(run_args(dir, {"--timeout", "0"})).status, 0);
    const std::string help = run_pixpool({"run", "--help"}).out;
    const std::string timeout_row = help.substr(help.find("--timeout S"), 160);
    EXPECT_NE(timeout_row.find("(default: 600)"), std::string::npos) << timeout_row;
}

TEST(HostileInputs, AReportThatCannotBeWrittenIsAnErrorAndANonZeroExit) {
    Scratch dir;
    fs::create_directories(dir / "in");
    for (int i = 0; i < 20; ++i) write_png(dir / "in" / ("f" + std::to_string(i) + ".png"), i, 16);
    // `pixpool run ... --report - | head -1`, made deterministic: stdout is
    // a pipe whose reader is gone before the first line.
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    ::close(pipe_fds[0]);
    const fs::path err_path = dir / "stderr.txt";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<std::string> args = {kBinary};
    for (const std::string& arg : run_args(dir, {"--report", "-"})) args.push_back(arg);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    ASSERT_EQ(::posix_spawn(&pid, kBinary.c_str(), &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    int wait_status = 0;
    ASSERT_EQ(::waitpid(pid, &wait_status, 0), pid);
    const int status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
    std::ifstream err_file(err_path);
    const std::string err((std::istreambuf_iterator<char>(err_file)), std::istreambuf_iterator<char>());
    EXPECT_NE(status, 0) << err;
    EXPECT_NE(err.find("cannot write the report to stdout: Broken pipe"), std::string::npos) << err;
}

TEST(HostileInputs, AReportOnAFullDiskIsAnError) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_png(dir / "in/a.png", 110);
    auto r = run_pixpool(run_args(dir, {"--report", "/dev/full"}));
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("cannot write the report /dev/full: No space left on device"), std::string::npos) << r.err;
}

}  // namespace
