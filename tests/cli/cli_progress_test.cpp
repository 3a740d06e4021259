// Issue 14's progress bar: `pixpool run` on a real terminal (a tmux pane 36
// and 120 columns wide, resized, interrupted with Ctrl-C) while worker log
// lines scroll, and off a terminal.
#include "cli_support.hpp"
#include "tmux_pane.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <thread>

namespace {

using namespace cli_test;
using Clock = std::chrono::steady_clock;

/// Noise images (PNG, fast to write), so every file costs the filter real work.
void make_inputs(const fs::path& folder, int count, int width, int height) {
    fs::create_directories(folder);
    cv::RNG rng(14);
    for (int i = 0; i < count; ++i) {
        cv::Mat image(height, width, CV_8UC3);
        rng.fill(image, cv::RNG::UNIFORM, 0, 255);
        char name[32];
        std::snprintf(name, sizeof name, "img_%03d.png", i);
        cv::imwrite((folder / name).string(), image, {cv::IMWRITE_PNG_COMPRESSION, 1});
    }
}

/// The script the pane runs: pixpool, then its exit status, then an idle
/// shell so the pane stays to be read. `trap : INT` keeps the shell alive
/// through the Ctrl-C meant for pixpool (which gets the default handling back).
std::string pane_script(const std::vector<std::string>& args) {
    std::string line = "trap : INT\n" + sh_quote(kBinary);
    for (const std::string& arg : args) line += " " + sh_quote(arg);
    return line + "\necho pixpool-exit=$?\nexec sleep 3600\n";
}

std::vector<std::string> run_args(const Scratch& dir, const std::string& filter) {
    return {"run", (dir / "in").string(), "-o", (dir / "out").string(), "-j", "2", "--log-level", "info", "-f", filter};
}

const std::regex kBar(R"(^(\[[#.]+\] )?([0-9]+)/([0-9]+)( .*)? [0-9]+ failed$)");
const std::regex kLogLine(
    R"(^\[[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+\] \[info\] \[worker [0-9]+ pid [0-9]+\] \S+/img_[0-9]{3}\.png -> )"
    R"(\S+/img_[0-9]{3}\.png \([0-9]+x[0-9]+; decode [0-9.]+ ms, filter [0-9.]+ ms, encode [0-9.]+ ms\)$)");

enum class Kind { Empty, Bar, Log, Message, Exit, Stray };

Kind kind_of(const std::string& line) {
    if (line.empty()) return Kind::Empty;
    if (std::regex_match(line, kBar)) return Kind::Bar;
    if (std::regex_match(line, kLogLine)) return Kind::Log;
    // The terminal may echo ^C just after pixpool cleared the bar's line.
    if (line.rfind("pixpool: ", 0) == 0 || line.rfind("^Cpixpool: ", 0) == 0) return Kind::Message;
    if (line.rfind("pixpool-exit=", 0) == 0) return Kind::Exit;
    return Kind::Stray;
}

std::size_t done_of(const std::string& bar) {
    std::smatch m;
    std::regex_match(bar, m, kBar);
    return std::stoul(m[2]);
}

/// The bar finish() leaves: the time it took, or "stopped".
bool is_final_bar(const std::string& line) {
    static const std::regex final_state(" (in [0-9:]+|stopped),? [0-9]+ failed$");
    return kind_of(line) == Kind::Bar && std::regex_search(line, final_state);
}

bool ended(const std::vector<std::string>& lines) {
    return !lines.empty() && kind_of(lines.back()) == Kind::Exit;
}

/// Every line of the pane is whole and of a known kind: no bar fragment, no
/// log line broken by a redraw, every bar within the width (two columns spare).
void expect_whole_lines(const std::vector<std::string>& lines, int width) {
    for (const std::string& line : lines) {
        const Kind kind = kind_of(line);
        EXPECT_NE(kind, Kind::Stray) << "a broken or stray line in the pane: [" << line << "]";
        if (kind == Kind::Bar) {
            EXPECT_LE(line.size(), static_cast<std::size_t>(width - 2)) << line;
        }
    }
}

std::vector<std::string> bars_in(const std::vector<std::string>& lines) {
    std::vector<std::string> bars;
    for (const std::string& line : lines) {
        if (kind_of(line) == Kind::Bar) bars.push_back(line);
    }
    return bars;
}

/// Reads the pane until pixpool has exited. Each capture taken while it runs
/// (the screen, not the history: cheap enough to sample often) must end with
/// the bar and hold only whole lines; `on_sample` sees each such bar.
/// Returns the pane and its whole history at the end.
std::vector<std::string> watch(const TmuxPane& pane, const int& width, std::set<std::size_t>& done_seen,
                               const std::function<void(const std::string& bar)>& on_sample = {}) {
    const auto deadline = Clock::now() + std::chrono::seconds(240);
    while (Clock::now() < deadline) {
        std::vector<std::string> lines = pane.lines(false);
        if (ended(lines)) return pane.lines();
        // The screen's first line may be the tail of one that scrolled off.
        if (!lines.empty() && kind_of(lines.front()) == Kind::Stray) lines.erase(lines.begin());
        if (!lines.empty()) {
            expect_whole_lines(lines, width);
            const std::string& last = lines.back();
            // Past the final bar, the summary (and errors) come before the exit line.
            const bool summary = kind_of(last) == Kind::Message &&
                                 std::any_of(lines.begin(), lines.end(), is_final_bar);
            if (kind_of(last) == Kind::Bar) {
                done_seen.insert(done_of(last));
                if (on_sample) on_sample(last);
            } else if (!summary) {
                ADD_FAILURE() << "mid-run, the last line is not the bar: [" << last << "]";
            }
        }
        if (testing::Test::HasFailure()) return lines;
        std::this_thread::sleep_for(std::chrono::milliseconds(40));
    }
    ADD_FAILURE() << "pixpool did not end within the deadline";
    return pane.lines();
}

/// The end of a whole run: one bar left, the final one, just above the
/// summary; every file's log line above it, whole, once.
void expect_finished_pane(const std::vector<std::string>& lines, int width, std::size_t files) {
    expect_whole_lines(lines, width);
    const std::vector<std::string> bars = bars_in(lines);
    ASSERT_EQ(bars.size(), 1u) << "old bars left behind in the pane";
    const std::regex final_bar("^(\\[[#]+\\] )?" + std::to_string(files) + "/" + std::to_string(files) +
                               ".* in [0-9]+:[0-9]{2},? 0 failed$");
    EXPECT_TRUE(std::regex_match(bars[0], final_bar)) << bars[0];
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[lines.size() - 3], bars[0]);
    EXPECT_EQ(lines[lines.size() - 2].rfind("pixpool: " + std::to_string(files) + " files: ", 0), 0u)
        << lines[lines.size() - 2];
    EXPECT_EQ(lines.back(), "pixpool-exit=0");
    std::set<std::string> logged;
    std::size_t log_lines = 0;
    for (const std::string& line : lines) {
        if (kind_of(line) != Kind::Log) continue;
        ++log_lines;
        logged.insert(line.substr(line.find("] /") + 2, line.find(" -> ") - line.find("] /") - 2));
    }
    EXPECT_EQ(log_lines, files);
    EXPECT_EQ(logged.size(), files);
}

/// One `pixpool run -j 2 --log-level info` on noise images in a pane
/// `width` columns wide, and the done counts its bars showed mid-run.
struct PaneRun {
    PaneRun(int files, cv::Size image, int pane_width, const std::string& filter) : width(pane_width) {
        make_inputs(dir / "in", files, image.width, image.height);
        pane = std::make_unique<TmuxPane>(dir.path(), width, 40, pane_script(run_args(dir, filter)));
    }
    std::vector<std::string> watch_to_the_end(const std::function<void(const std::string& bar)>& on_sample = {}) {
        return watch(*pane, width, done_seen, on_sample);
    }

    Scratch dir;
    int width;
    std::unique_ptr<TmuxPane> pane;
    std::set<std::size_t> done_seen;
};

TEST(CliProgress, At36ColumnsTheBarFitsAndStaysTheLastLineWhileLogLinesScroll) {
    PaneRun run(160, {320, 240}, 36, "gaussian_blur:sigma=6");
    const auto lines = run.watch_to_the_end();
    EXPECT_GE(run.done_seen.size(), 3u) << "too few redraws were seen mid-run";
    expect_finished_pane(lines, run.width, 160);
}

TEST(CliProgress, At120ColumnsTheBarUsesTheRoom) {
    PaneRun run(160, {320, 240}, 120, "gaussian_blur:sigma=6");
    const auto lines = run.watch_to_the_end([&](const std::string& bar) {
        EXPECT_EQ(bar.size(), 118u) << bar;
        EXPECT_EQ(bar.rfind("[", 0), 0u) << "no bar drawn at 120 columns: " << bar;
        EXPECT_NE(bar.find(" images/s, ETA "), std::string::npos) << bar;
    });
    EXPECT_GE(run.done_seen.size(), 3u) << "too few redraws were seen mid-run";
    expect_finished_pane(lines, run.width, 160);
    EXPECT_EQ(bars_in(lines)[0].size(), 118u);
}

TEST(CliProgress, AResizedTerminalGetsABarOfItsNewWidth) {
    PaneRun run(240, {320, 240}, 36, "gaussian_blur:sigma=6");
    bool resized = false, wide_bar_seen = false;
    const auto lines = run.watch_to_the_end([&](const std::string& bar) {
        if (!resized && done_of(bar) >= 5) {
            run.width = 120;  // wider: no line the terminal reflows narrower
            run.pane->resize(run.width, 40);
            resized = true;
        } else if (resized && bar.size() == 118) {
            wide_bar_seen = true;
        }
    });
    EXPECT_TRUE(resized) << "the run ended before the resize";
    EXPECT_TRUE(wide_bar_seen) << "no 118-column bar after SIGWINCH";
    expect_finished_pane(lines, run.width, 240);
}

TEST(CliProgress, AfterCtrlCTheFinalBarShowsWhatWasReallyDone) {
    const int files = 80;
    PaneRun run(files, {640, 480}, 60, "gaussian_blur:sigma=12,precision=exact");
    bool interrupted = false;
    const auto lines = run.watch_to_the_end([&](const std::string& bar) {
        if (!interrupted && done_of(bar) >= 3) {
            run.pane->send_keys("C-c");
            interrupted = true;
        }
    });
    ASSERT_TRUE(interrupted) << "the run ended before Ctrl-C";
    expect_whole_lines(lines, run.width);
    EXPECT_EQ(lines.back(), "pixpool-exit=130");
    const std::vector<std::string> bars = bars_in(lines);
    ASSERT_EQ(bars.size(), 1u) << "old bars left behind in the pane";
    const std::string& bar = bars[0];
    EXPECT_NE(bar.find(" stopped"), std::string::npos) << bar;
    std::size_t written = 0;
    for (const auto& entry : fs::directory_iterator(run.dir / "out")) written += entry.path().extension() == ".png";
    EXPECT_LT(done_of(bar), static_cast<std::size_t>(files)) << bar;
    EXPECT_EQ(done_of(bar), written) << bar;
    ASSERT_GE(lines.size(), 3u);
    EXPECT_EQ(lines[lines.size() - 3], bar);
    const std::string summary = lines[lines.size() - 2];
    EXPECT_NE(summary.find(": " + std::to_string(written) + " ok, "), std::string::npos) << summary;
    std::size_t message = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].find("pixpool: interrupted: finishing the files in progress") != std::string::npos) message = i;
    }
    EXPECT_GT(message, 0u) << "the interrupt message is missing";
}

TEST(CliProgress, VideoDrawsTheSameBarInFramesAndFps) {
    Scratch dir;
    const std::string video = (dir / "in.mp4").string();
    ASSERT_EQ(std::system(("ffmpeg -loglevel error -y -f lavfi -i testsrc=duration=8:size=640x480:rate=30 " +
                           sh_quote(video)).c_str()), 0);
    const int width = 60;
    TmuxPane pane(dir.path(), width, 40,
                  pane_script({"video", video, "-o", (dir / "out.mp4").string(), "-f", "gaussian_blur:sigma=6"}));
    std::set<std::size_t> done_seen;
    const auto lines = watch(pane, width, done_seen, [](const std::string& bar) {
        EXPECT_NE(bar.find(" fps"), std::string::npos) << bar;
    });
    EXPECT_GE(done_seen.size(), 3u) << "too few redraws were seen mid-run";
    expect_whole_lines(lines, width);
    const std::vector<std::string> bars = bars_in(lines);
    ASSERT_EQ(bars.size(), 1u) << "old bars left behind in the pane";
    EXPECT_TRUE(std::regex_match(bars[0], std::regex("^(\\[#+\\] )?240/240 .* in [0-9]+:[0-9]{2},? 0 failed$"))) << bars[0];
    EXPECT_EQ(lines.back(), "pixpool-exit=0");
}

TEST(CliProgress, QuietOnATerminalShowsOnlyTheErrors) {
    Scratch dir;
    make_inputs(dir / "in", 20, 160, 120);
    { std::FILE* bad = std::fopen((dir / "in/img_999.png").c_str(), "w"); std::fputs("not a png", bad); std::fclose(bad); }
    TmuxPane pane(dir.path(), 80, 40,
                  pane_script({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-f", "invert", "-q"}));
    std::vector<std::string> lines;
    const auto deadline = Clock::now() + std::chrono::seconds(90);
    while (!ended(lines = pane.lines()) && Clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(ended(lines));
    ASSERT_EQ(lines.size(), 2u) << lines.front();
    EXPECT_EQ(lines[0].rfind("pixpool: error: ", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find("img_999.png"), std::string::npos) << lines[0];
    EXPECT_EQ(lines[1], "pixpool-exit=1");
}

TEST(CliProgress, OffATerminalTheProgressIsThePlainLine) {
    Scratch dir;
    const int files = 30;
    make_inputs(dir / "in", files, 160, 120);
    const Outcome r = run_pixpool(run_args(dir, "invert"));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err.find('\r'), std::string::npos) << "a terminal's redraw off a terminal";
    EXPECT_EQ(r.err.find('\033'), std::string::npos) << "escape codes off a terminal";
    EXPECT_EQ(r.err.find("[#"), std::string::npos) << "a bar off a terminal";
    const std::regex plain("(^|\n)pixpool: 30/30 \\(100%\\), [0-9.]+ images/s, ETA 0:00, 0 failed\n");
    EXPECT_TRUE(std::regex_search(r.err, plain)) << r.err;
    std::size_t log_lines = 0;
    for (std::size_t from = 0, end; (end = r.err.find('\n', from)) != std::string::npos; from = end + 1) {
        log_lines += std::regex_match(r.err.substr(from, end - from), kLogLine);
    }
    EXPECT_EQ(log_lines, static_cast<std::size_t>(files));
}

}  // namespace
