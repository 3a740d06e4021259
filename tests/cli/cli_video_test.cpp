/// `pixpool video` end to end: a small video made here, each frame stamped
/// with its index in big black and white blocks (they survive MJPEG), read
/// back after the round trip; a worker killed for real mid-video; a corrupt
/// input.

#include "cli_support.hpp"

#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <thread>

namespace {

using namespace cli_test;

constexpr int kBits = 8;
constexpr int kBlock = 32;

/// Writes `count` frames of `size` at 25 fps, frame i carrying i in binary.
void make_stamped_video(const fs::path& path, int count, cv::Size size) {
    cv::VideoWriter writer(path.string(), cv::CAP_FFMPEG, cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 25, size);
    ASSERT_TRUE(writer.isOpened()) << path;
    for (int i = 0; i < count; ++i) {
        cv::Mat frame(size, CV_8UC3, cv::Scalar(90, 120, 150));
        cv::circle(frame, {size.width / 2, size.height / 2}, size.height / 4, cv::Scalar(30, 200, 60), -1);
        for (int bit = 0; bit < kBits; ++bit) {
            const cv::Scalar value = (i >> bit) & 1 ? cv::Scalar::all(255) : cv::Scalar::all(0);
            cv::rectangle(frame, cv::Rect(bit * kBlock, 0, kBlock, kBlock), value, -1);
        }
        writer.write(frame);
    }
}

/// Every frame's stamp, in the file's order.
std::vector<int> read_stamps(const fs::path& path, cv::Size* size = nullptr, double* fps = nullptr) {
    cv::VideoCapture capture(path.string(), cv::CAP_FFMPEG);
    std::vector<int> stamps;
    if (!capture.isOpened()) return stamps;
    if (fps) *fps = capture.get(cv::CAP_PROP_FPS);
    cv::Mat frame, gray;
    while (capture.read(frame)) {
        if (size) *size = frame.size();
        cv::cvtColor(frame, gray, cv::COLOR_BGR2GRAY);
        int stamp = 0;
        for (int bit = 0; bit < kBits; ++bit) {
            if (gray.at<unsigned char>(kBlock / 2, bit * kBlock + kBlock / 2) > 128) stamp |= 1 << bit;
        }
        stamps.push_back(stamp);
    }
    return stamps;
}

int count_lines_containing(const std::string& text, const std::string& part) {
    int lines = 0;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines += line.find(part) != std::string::npos;
    return lines;
}

/// The names in `dir`, sorted.
std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<pid_t> children_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    std::vector<pid_t> children;
    for (pid_t child; in >> child;) children.push_back(child);
    return children;
}

/// The worker processes below `pid`: its descendants without children of
/// their own (the workers are its children, or a fork server's).
std::vector<pid_t> workers_of(pid_t pid) {
    std::vector<pid_t> leaves;
    for (pid_t child : children_of(pid)) {
        const auto below = workers_of(child);
        if (below.empty()) leaves.push_back(child);
        leaves.insert(leaves.end(), below.begin(), below.end());
    }
    return leaves;
}

/// Starts `pixpool video` on dir/in.avi with a chain slow enough (bilateral)
/// that a signal lands while workers hold frames; returns once both workers run.
Process slow_video_run(const Scratch& dir) {
    Process run({"video", (dir / "in.avi").string(), "-o", (dir / "out.avi").string(), "-f", "bilateral:diameter=15",
                 "-j", "2"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (workers_of(run.pid()).size() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return run;
}

TEST(CliVideo, KeepsFrameCountOrderSizeAndRate) {
    Scratch dir;
    make_stamped_video(dir / "in.avi", 60, {320, 240});
    const Outcome run = run_pixpool({"video", (dir / "in.avi").string(), "-o", (dir / "out.avi").string(), "-f",
                                     "gaussian_blur:sigma=1", "-f", "sharpen", "-j", "2"});
    ASSERT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.out, "") << "stdout is for data; the summary is a diagnostic";
    EXPECT_NE(run.err.find("60 of 60 frames written"), std::string::npos) << run.err;
    cv::Size size;
    double fps = 0;
    const std::vector<int> stamps = read_stamps(dir / "out.avi", &size, &fps);
    ASSERT_EQ(stamps.size(), 60u);
    for (int i = 0; i < 60; ++i) EXPECT_EQ(stamps[i], i) << "frame " << i;
    EXPECT_EQ(size, cv::Size(320, 240));
    EXPECT_DOUBLE_EQ(fps, 25);
    EXPECT_TRUE(names_in(dir.path()) == std::vector<std::string>({"in.avi", "out.avi"}));  // no temporary left
}

TEST(CliVideo, AWorkerKilledMidVideoCostsOneFrameAndTheRunSaysSo) {
    Scratch dir;
    constexpr int kFrames = 40;
    make_stamped_video(dir / "in.avi", kFrames, {640, 480});
    // bilateral is slow enough that the kill lands while a worker holds a frame.
    Process run = slow_video_run(dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto workers = workers_of(run.pid());
    ASSERT_FALSE(workers.empty());
    ::kill(workers.front(), SIGKILL);
    const int status = run.finish();

    EXPECT_EQ(status, 1) << run.err;
    EXPECT_EQ(count_lines_containing(run.err, "error: frame "), 1) << run.err;
    EXPECT_NE(run.err.find("left out"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find(std::to_string(kFrames - 1) + " of " + std::to_string(kFrames) + " frames written"),
              std::string::npos) << run.err;
    EXPECT_NE(run.err.find("1 failed"), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
    const std::vector<int> stamps = read_stamps(dir / "out.avi");
    ASSERT_EQ(stamps.size(), std::size_t(kFrames - 1));
    for (std::size_t i = 1; i < stamps.size(); ++i) EXPECT_LT(stamps[i - 1], stamps[i]) << "order at " << i;
}

TEST(CliVideo, AKilledForkServerEndsTheRunWithItsErrorsAndAPlayableFile) {
    Scratch dir;
    constexpr int kFrames = 40;
    make_stamped_video(dir / "in.avi", kFrames, {640, 480});
    Process run = slow_video_run(dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto workers = workers_of(run.pid());
    ASSERT_FALSE(workers.empty());
    const pid_t server = parent_of(workers.front());
    ASSERT_NE(server, run.pid()) << "pixpool video forks its workers from a fork server";
    ::kill(server, SIGKILL);
    const int status = run.finish();  // before the fix: never, whatever the signal

    EXPECT_EQ(status, 1) << run.err;
    EXPECT_NE(run.err.find("fork server"), std::string::npos) << run.err;
    if (run.err.find("cannot be started again") != std::string::npos) {
        // The decoder's threads run now, so no new server may be forked: the run stops there.
        EXPECT_NE(run.err.find("the file ends at the last frame written"), std::string::npos) << run.err;
    } else {
        // A new server took over: only the frames that were running are left out.
        EXPECT_LE(count_lines_containing(run.err, "error: frame "), 2) << run.err;
        EXPECT_NE(run.err.find("died (killed by SIGKILL (Killed))"), std::string::npos) << run.err;
    }
    const std::vector<int> stamps = read_stamps(dir / "out.avi");
    ASSERT_FALSE(stamps.empty());
    for (std::size_t i = 1; i < stamps.size(); ++i) EXPECT_LT(stamps[i - 1], stamps[i]) << "order at " << i;
    EXPECT_TRUE(names_in(dir.path()) == std::vector<std::string>({"in.avi", "out.avi"}));
}

TEST(CliVideo, InterruptedRunLeavesAPlayableFileUpToTheLastFrameWritten) {
    Scratch dir;
    constexpr int kFrames = 400;  // long enough that the interrupt lands mid-run on a quiet machine
    make_stamped_video(dir / "in.avi", kFrames, {640, 480});
    Process run = slow_video_run(dir);
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    run.signal(SIGINT);
    EXPECT_EQ(run.finish(), 130) << run.err;
    EXPECT_NE(run.err.find("interrupted: the file ends at the last frame written"), std::string::npos) << run.err;
    EXPECT_EQ(count_lines_containing(run.err, "error"), 0) << run.err;
    EXPECT_EQ(run.out, "");
    const std::vector<int> stamps = read_stamps(dir / "out.avi");
    ASSERT_FALSE(stamps.empty());
    EXPECT_LT(stamps.size(), std::size_t(kFrames));
    for (std::size_t i = 0; i < stamps.size(); ++i) EXPECT_EQ(stamps[i], int(i));
    EXPECT_TRUE(names_in(dir.path()) == std::vector<std::string>({"in.avi", "out.avi"}));
}

TEST(CliVideo, QuietPrintsNothingButErrors) {
    Scratch dir;
    make_stamped_video(dir / "in.avi", 20, {160, 120});
    const Outcome quiet = run_pixpool(
        {"video", (dir / "in.avi").string(), "-o", (dir / "out.avi").string(), "-f", "invert", "-q"});
    EXPECT_EQ(quiet.status, 0) << quiet.err;
    EXPECT_EQ(quiet.out, "");
    EXPECT_EQ(quiet.err, "") << "no progress and no summary with -q";
    EXPECT_EQ(read_stamps(dir / "out.avi").size(), 20u);
}

TEST(CliVideo, OptionsComeFromTheOptionTable) {
    // video's --help is the table's, like run's: its sections, its options, 80 columns.
    const Outcome help = run_pixpool({"video", "--help"});
    EXPECT_EQ(help.status, 0);
    for (const char* option : {"-f, --filter FILTER", "-j, --jobs N", "--timeout S", "-q, --quiet",
                               "-o, --output FILE", "--codec FOURCC", "VIDEO "}) {
        EXPECT_NE(help.out.find(option), std::string::npos) << option << " in\n" << help.out;
    }
    std::istringstream lines(help.out);
    for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << line;
    // Range checks and the refusal of another command's option come from the table too.
    const Outcome zero_jobs = run_pixpool({"video", "in.avi", "-o", "out.avi", "-f", "invert", "-j", "0"});
    EXPECT_EQ(zero_jobs.status, 2);
    EXPECT_NE(zero_jobs.err.find("--jobs must be a number in [1, 1024]"), std::string::npos) << zero_jobs.err;
    const Outcome format = run_pixpool({"video", "in.avi", "-o", "out.avi", "-f", "invert", "--format", "png"});
    EXPECT_EQ(format.status, 2);
    EXPECT_NE(format.err.find("video does not take --format: it is an option of run, blur, bench"),
              std::string::npos) << format.err;
    Scratch dir;
    std::ofstream(dir / "pixpool.toml") << "[video]\nquality = 3\n";
    const Outcome config = run_pixpool(
        {"video", "in.avi", "-o", "out.avi", "-f", "invert", "--config", (dir / "pixpool.toml").string()});
    EXPECT_EQ(config.status, 2);
    EXPECT_NE(config.err.find("unknown key 'quality' in [video] (video does not take --quality)"), std::string::npos)
        << config.err;
    const Outcome no_filter = run_pixpool({"video", "in.avi", "-o", "out.avi"});
    EXPECT_EQ(no_filter.status, 2);
    EXPECT_NE(no_filter.err.find("no filter: name one with -f"), std::string::npos) << no_filter.err;
}

TEST(CliVideo, ACorruptVideoGivesOneClearErrorAndNoFile) {
    Scratch dir;
    std::mt19937 random(7);
    std::ofstream corrupt(dir / "broken.mp4", std::ios::binary);
    for (int i = 0; i < 20000; ++i) corrupt.put(static_cast<char>(random()));
    corrupt.close();
    const Outcome run =
        run_pixpool({"video", (dir / "broken.mp4").string(), "-o", (dir / "out.mp4").string(), "-f", "invert"});
    EXPECT_EQ(run.status, 1);
    EXPECT_EQ(run.err, "pixpool: error: " + (dir / "broken.mp4").string() +
                           ": cannot open as a video (missing, not a video, or a format FFmpeg cannot decode)\n");
    EXPECT_TRUE(names_in(dir.path()) == std::vector<std::string>({"broken.mp4"}));
}

TEST(CliVideo, UnknownOutputExtensionIsAUsageError) {
    Scratch dir;
    make_stamped_video(dir / "in.avi", 2, {64, 48});
    const Outcome run = run_pixpool({"video", (dir / "in.avi").string(), "-o", (dir / "out.xyz").string(), "-f", "invert"});
    EXPECT_EQ(run.status, 2);
    EXPECT_NE(run.err.find("unknown video extension 'xyz'"), std::string::npos) << run.err;
}

/// `pixpool video` runs pixpool-video; pixpool itself never loads videoio,
/// whose hundred-odd libraries would cost every image run their loading.
TEST(CliVideo, PixpoolHandsVideoToPixpoolVideoAndLoadsNoVideoLibrary) {
    Scratch dir;
    const std::string libraries = (dir / "ldd.txt").string();
    ASSERT_EQ(std::system(("ldd " + kBinary + " > " + libraries).c_str()), 0);
    std::ifstream in(libraries);
    const std::string listed((std::istreambuf_iterator<char>(in)), {});
    EXPECT_NE(listed.find("libopencv_core"), std::string::npos) << listed;
    EXPECT_EQ(listed.find("libopencv_videoio"), std::string::npos) << listed;
    EXPECT_EQ(listed.find("libavcodec"), std::string::npos) << listed;

    // A pixpool without its pixpool-video says so, and which paths it tried.
    fs::create_directories(dir / "alone");
    fs::copy_file(kBinary, dir / "alone/pixpool");
    make_stamped_video(dir / "in.avi", 2, {64, 48});
    const std::string command = (dir / "alone/pixpool").string() + " video " + (dir / "in.avi").string() + " -o " +
                                (dir / "out.avi").string() + " -f invert 2> " + (dir / "err.txt").string();
    const int status = std::system(command.c_str());
    EXPECT_EQ(WEXITSTATUS(status), 1);
    std::ifstream err(dir / "err.txt");
    const std::string said((std::istreambuf_iterator<char>(err)), {});
    EXPECT_NE(said.find("pixpool video: error: cannot run pixpool-video (" + (dir / "alone/pixpool-video").string()),
              std::string::npos)
        << said;
    EXPECT_FALSE(fs::exists(dir / "out.avi"));
}

}  // namespace
