// `pixpool run`, `blur`, `bench` and `filters` end to end on sample_images/.
#include "cli_support.hpp"

#include <pixpool/filters.hpp>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace {

using namespace cli_test;

const std::vector<std::string> kGoodSamples = {"astronaut.jpg", "camera.png", "chelsea.png",
                                               "coffee.jpg",    "retina.webp", "rocket.webp"};

/// Variance of the Laplacian: falls when an image gets blurrier.
double sharpness(const cv::Mat& image) {
    cv::Mat gray, lap;
    if (image.channels() == 1) {
        gray = image;
    } else {
        cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    }
    cv::Laplacian(gray, lap, CV_64F);
    cv::Scalar mean, stddev;
    cv::meanStdDev(lap, mean, stddev);
    return stddev[0] * stddev[0];
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(CliRun, BlursEverySampleAndReportsTheCorruptOne) {
    Scratch out;
    Outcome r = run_pixpool({"run", kSamples.string(), "-o", out.path().string(), "-f", "gaussian_blur:sigma=3"});
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("corrupt.jpg: cannot decode"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("6 ok, 1 failed"), std::string::npos) << r.err;
    for (const auto& name : kGoodSamples) {
        cv::Mat before = cv::imread((kSamples / name).string(), cv::IMREAD_UNCHANGED);
        cv::Mat after = cv::imread((out / name).string(), cv::IMREAD_UNCHANGED);
        ASSERT_FALSE(after.empty()) << name << " was not written or does not decode";
        EXPECT_EQ(after.size(), before.size()) << name;
        EXPECT_LT(sharpness(after), 0.5 * sharpness(before)) << name << " is not blurrier";
    }
    EXPECT_FALSE(fs::exists(out / "corrupt.jpg"));
    for (const auto& entry : fs::directory_iterator(out.path())) {
        EXPECT_EQ(entry.path().filename().string().find(".pixpool-tmp"), std::string::npos)
            << "temporary file left: " << entry.path();
    }
}

TEST(CliRun, EveryWorkerWritesItsOwnLogWithItsPid) {
    Scratch out;
    Outcome r = run_pixpool({"run", kSamples.string(), "-o", (out / "images").string(), "-j", "2", "-f",
                             "gaussian_blur:sigma=2", "--log-dir", (out / "logs").string()});
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    std::set<std::string> pids;
    std::size_t lines_naming_files = 0;
    for (int id : {0, 1}) {
        fs::path log = out / ("logs/worker-" + std::to_string(id) + ".log");
        ASSERT_TRUE(fs::exists(log)) << log;
        std::string text = read_file(log);
        std::regex line_re("\\[worker " + std::to_string(id) + " pid ([0-9]+)\\]");
        for (std::sregex_iterator it(text.begin(), text.end(), line_re), end; it != end; ++it) {
            pids.insert((*it)[1]);
        }
        for (const auto& name : kGoodSamples) lines_naming_files += text.find(name) != std::string::npos;
    }
    EXPECT_EQ(pids.size(), 2u) << "two workers, two pids";
    EXPECT_EQ(lines_naming_files, kGoodSamples.size());
}

TEST(CliRun, InlineForkAndSpawnWriteTheSamePixels) {
    Scratch a, b, c;
    std::vector<std::string> args = {"run", (kSamples / "camera.png").string(), (kSamples / "chelsea.png").string(),
                                     "-f", "gaussian_blur:sigma=4", "-f", "sharpen"};
    auto inline_args = args, fork_args = args, spawn_args = args;
    inline_args.insert(inline_args.end(), {"-o", a.path().string(), "--inline"});
    fork_args.insert(fork_args.end(), {"-o", b.path().string()});
    spawn_args.insert(spawn_args.end(), {"-o", c.path().string(), "--start-method", "spawn"});
    ASSERT_EQ(run_pixpool(inline_args).status, 0);
    ASSERT_EQ(run_pixpool(fork_args).status, 0);
    Outcome spawned = run_pixpool(spawn_args);
    ASSERT_EQ(spawned.status, 0) << spawned.out << spawned.err;
    for (const char* name : {"camera.png", "chelsea.png"}) {
        cv::Mat x = cv::imread((a / name).string(), cv::IMREAD_UNCHANGED);
        ASSERT_FALSE(x.empty());
        for (const Scratch* other : {&b, &c}) {
            cv::Mat y = cv::imread((*other / name).string(), cv::IMREAD_UNCHANGED);
            ASSERT_EQ(x.size(), y.size()) << name;
            EXPECT_EQ(cv::norm(x, y, cv::NORM_INF), 0) << name;
        }
    }
}

TEST(CliRun, BlurIsRunWithGaussianBlur) {
    Scratch a, b;
    std::string input = (kSamples / "camera.png").string();
    ASSERT_EQ(run_pixpool({"blur", input, "-o", a.path().string(), "--sigma", "2.5"}).status, 0);
    ASSERT_EQ(run_pixpool({"run", input, "-o", b.path().string(), "-f", "gaussian_blur:sigma=2.5"}).status, 0);
    EXPECT_EQ(read_file(a / "camera.png"), read_file(b / "camera.png"));
}

TEST(CliRun, PrefixAndFormatNameTheOutput) {
    Scratch out;
    Outcome r = run_pixpool({"run", (kSamples / "coffee.jpg").string(), "-o", out.path().string(), "--prefix",
                             "blurred_", "--format", "png", "-f", "box_blur:size=5"});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    cv::Mat written = cv::imread((out / "blurred_coffee.png").string());
    EXPECT_FALSE(written.empty());
}

TEST(CliRun, UsageAndFilterErrorsExitTwoWithOneClearLine) {
    Scratch out;
    std::string input = (kSamples / "coffee.jpg").string();
    Outcome unknown = run_pixpool({"run", input, "-o", out.path().string(), "-f", "gausian_blur"});
    EXPECT_EQ(unknown.status, 2);
    EXPECT_NE(unknown.err.find("unknown filter 'gausian_blur'"), std::string::npos) << unknown.err;
    Outcome range = run_pixpool({"run", input, "-o", out.path().string(), "-f", "gaussian_blur:sigma=-3"});
    EXPECT_EQ(range.status, 2);
    EXPECT_NE(range.err.find("gaussian_blur: sigma must be"), std::string::npos) << range.err;
    EXPECT_EQ(run_pixpool({"run", input}).status, 2) << "missing -o";
    EXPECT_EQ(run_pixpool({"run", input, "-o", out.path().string(), "--quality", "500"}).status, 2);
    EXPECT_TRUE(fs::is_empty(out.path())) << "nothing is written when the command is refused";
}

TEST(CliRun, NoOutputMayOverwriteItsInput) {
    Scratch folder;
    fs::copy_file(kSamples / "coffee.jpg", folder / "coffee.jpg");
    std::string before = read_file(folder / "coffee.jpg");
    Outcome r = run_pixpool({"run", (folder / "coffee.jpg").string(), "-o", folder.path().string(), "-f", "grayscale"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("would overwrite the input"), std::string::npos) << r.err;
    EXPECT_EQ(read_file(folder / "coffee.jpg"), before);
}

TEST(CliFilters, ListsEveryRegisteredFilterWithItsParameters) {
    Outcome r = run_pixpool({"filters"});
    ASSERT_EQ(r.status, 0);
    for (const auto& filter : pixpool::filters::registry()) {
        EXPECT_NE(r.out.find(filter.name), std::string::npos) << filter.name;
        for (const auto& param : filter.params) {
            EXPECT_NE(r.out.find(param.name), std::string::npos) << filter.name << "." << param.name;
        }
    }
}

TEST(CliBench, PrintsBothTimesTheSpeedupAndTheEfficiency) {
    Outcome r = run_pixpool({"bench", (kSamples / "camera.png").string(), (kSamples / "chelsea.png").string(),
                             (kSamples / "coffee.jpg").string(), "-f", "gaussian_blur:sigma=3", "-j", "2"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("sequential \\(inline\\) +[0-9.]+ s")));
    EXPECT_TRUE(std::regex_search(r.out, std::regex("parallel \\(2 workers\\) +[0-9.]+ s")));
    EXPECT_TRUE(std::regex_search(r.out, std::regex("speedup [0-9.]+x, parallel efficiency [0-9.]+")));
}

TEST(CliBench, WithoutJobsThePoolRunsOnWorkers) {
    // Regression: -j's default (0, the usable CPUs) once ran the "parallel"
    // side inline too, printing "parallel (0 workers)".
    Outcome r = run_pixpool({"bench", (kSamples / "camera.png").string(), (kSamples / "chelsea.png").string(),
                             (kSamples / "coffee.jpg").string(), "-f", "invert"});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("parallel \\([1-9][0-9]* workers\\)"))) << r.out;
    EXPECT_TRUE(std::regex_search(r.out, std::regex("parallel efficiency 0\\.[0-9]*[1-9]|parallel efficiency [1-9]")))
        << r.out;
}

TEST(CliVersion, PrintsTheVersion) {
    Outcome r = run_pixpool({"--version"});
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(std::regex_search(r.out, std::regex("pixpool [0-9]+\\.[0-9]+\\.[0-9]+")));
}

}  // namespace
