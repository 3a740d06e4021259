// `pixpool bench --workers 1,2 --plot out.svg` (issue 14): a row per worker
// count, an Amdahl serial fraction, and an SVG that parses as XML (read
// with xmllint, from scripts/setup.sh) with one point per count.
#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <regex>

namespace {

using namespace cli_test;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// Four small noise images in dir/in.
std::string small_images(const Scratch& dir, int side = 160) {
    fs::create_directories(dir / "in");
    cv::RNG rng(14);
    for (int i = 0; i < 4; ++i) {
        cv::Mat image(side, side, CV_8UC3);
        rng.fill(image, cv::RNG::UNIFORM, 0, 256);
        cv::imwrite((dir / ("in/noise" + std::to_string(i) + ".png")).string(), image);
    }
    return (dir / "in").string();
}

/// What xmllint prints for `expression` over `file` (its exit status in `status`).
std::string xmllint(const std::vector<std::string>& args, int& status) {
    std::string command = "xmllint";
    for (const std::string& arg : args) command += " '" + arg + "'";
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    std::string out;
    char buffer[4096];
    for (std::size_t n; pipe && (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    status = pipe ? ::pclose(pipe) : -1;
    return out;
}

/// How many elements named `element` have exactly class `kind` in the SVG.
int count_of(const fs::path& svg, const std::string& element, const std::string& kind) {
    int status = 0;
    const std::string out = xmllint(
        {"--xpath", "count(//*[local-name()=\"" + element + "\"][@class=\"" + kind + "\"])", svg.string()}, status);
    EXPECT_EQ(status, 0) << out;
    return std::atoi(out.c_str());
}

struct Row {
    double seconds, speedup, efficiency;
};

/// The table row of `workers` ("2", or "1 (base)"), parsed.
Row row_of(const std::string& out, const std::string& workers) {
    std::smatch m;
    const std::regex row("\n +" + std::regex_replace(workers, std::regex("[()]"), "\\$&") +
                         " +([0-9.]+) +[0-9.]+ +[0-9.]+ +([0-9.]+)x +([0-9.]+)\n");
    if (!std::regex_search(out, m, row)) {
        ADD_FAILURE() << "no row for " << workers << " in:\n" << out;
        return {0, 0, 0};
    }
    return {std::stod(m[1]), std::stod(m[2]), std::stod(m[3])};
}

TEST(CliBenchPlot, TimesEachCountFitsAmdahlAndDrawsTheSvg) {
    Scratch dir;
    const fs::path svg = dir / "speedup.svg";
    Outcome r = run_pixpool({"bench", small_images(dir), "-f", "gaussian_blur:sigma=2", "--workers", "1,2", "--plot",
                             svg.string()});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "pixpool bench: 4 files, filters: gaussian_blur:sigma=2")) << r.out;
    const Row one = row_of(r.out, "1"), two = row_of(r.out, "2");
    EXPECT_GT(one.seconds, 0);
    EXPECT_GT(two.seconds, 0);
    EXPECT_DOUBLE_EQ(one.speedup, 1.0);
    EXPECT_DOUBLE_EQ(one.efficiency, 1.0);
    EXPECT_NEAR(two.efficiency, two.speedup / 2, 0.006) << r.out;
    EXPECT_TRUE(contains(r.out, "speedup against 1 worker")) << r.out;

    std::smatch f;
    ASSERT_TRUE(std::regex_search(r.out, f, std::regex("serial fraction f = ([0-9.]+) \\(Amdahl fit\\)"))) << r.out;
    EXPECT_GE(std::stod(f[1]), 0.0);
    EXPECT_LE(std::stod(f[1]), 1.0);

    ASSERT_TRUE(fs::exists(svg)) << r.out;
    int status = 0;
    EXPECT_EQ(xmllint({"--noout", svg.string()}, status), "");
    EXPECT_EQ(status, 0) << "the plot is well-formed XML";
    EXPECT_EQ(count_of(svg, "circle", "measured"), 2);
    EXPECT_EQ(count_of(svg, "circle", "efficiency"), 2);
    EXPECT_EQ(count_of(svg, "polyline", "ideal"), 1);
    EXPECT_EQ(count_of(svg, "polyline", "amdahl"), 1);
    EXPECT_EQ(count_of(svg, "polyline", "efficiency"), 1);
    const std::string title = xmllint({"--xpath", "string(//*[local-name()=\"title\"][1])", svg.string()}, status);
    EXPECT_TRUE(contains(title, "gaussian_blur:sigma=2 on 4 inputs")) << title;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename().string().find(".pixpool-tmp"), std::string::npos) << "no temporary left";
    }
}

TEST(CliBenchPlot, TimesOneWorkerAsTheBaselineWhenOneIsNotAsked) {
    Scratch dir;
    const fs::path svg = dir / "two.svg";
    Outcome r = run_pixpool({"bench", small_images(dir), "--workers", "2", "--plot", svg.string()});
    ASSERT_EQ(r.status, 0) << r.out << r.err;
    EXPECT_DOUBLE_EQ(row_of(r.out, "1 (base)").speedup, 1.0);
    EXPECT_GT(row_of(r.out, "2").speedup, 0);
    EXPECT_TRUE(contains(r.out, "timed as the baseline (1 is not in --workers)")) << r.out;
    EXPECT_EQ(count_of(svg, "circle", "measured"), 1) << "only the asked counts are drawn";
}

TEST(CliBenchPlot, RefusesBadWorkerListsBeforeTiming) {
    Scratch dir;
    const std::string in = small_images(dir);
    for (const std::string list : {"0", "2,2", "x", "", "1,,2", "-1", "1.5", "2000"}) {
        Outcome r = run_pixpool({"bench", in, "--workers=" + list});
        EXPECT_EQ(r.status, 2) << "'" << list << "': " << r.out << r.err;
        EXPECT_TRUE(contains(r.err, "--workers")) << "'" << list << "': " << r.err;
        EXPECT_EQ(r.out, "") << "'" << list << "'";
    }
    Outcome both = run_pixpool({"bench", in, "--workers", "1,2", "-j", "2"});
    EXPECT_EQ(both.status, 2);
    EXPECT_TRUE(contains(both.err, "--workers or -j, not both")) << both.err;
    Outcome run = run_pixpool({"run", in, "-o", (dir / "out").string(), "--workers", "2"});
    EXPECT_EQ(run.status, 2);
    EXPECT_TRUE(contains(run.err, "run does not take --workers")) << run.err;
}

TEST(CliBenchPlot, RefusesAPlotPathItCannotWriteBeforeTiming) {
    Scratch dir;
    const std::string in = small_images(dir);
    fs::create_directories(dir / "folder.svg");
    for (const std::string& plot : {(dir / "missing/speedup.svg").string(), (dir / "folder.svg").string(),
                                   (dir / "speedup.png").string()}) {
        Outcome r = run_pixpool({"bench", in, "--workers", "1,2", "--plot", plot});
        EXPECT_EQ(r.status, 2) << plot << ": " << r.err;
        EXPECT_TRUE(contains(r.err, "--plot")) << r.err;
        EXPECT_EQ(r.out, "") << "refused before timing anything";
    }
    EXPECT_FALSE(fs::exists(dir / "speedup.png"));
}

TEST(CliBenchPlot, APlotThatCannotBeWrittenIsAnErrorAndLeavesNothing) {
    // A file size limit (ulimit -f, SIGXFSZ ignored so the write fails with
    // EFBIG) above the tiny outputs and the journal but below the SVG: the
    // timings succeed, the plot's write fails late.
    Scratch dir;
    const std::string in = small_images(dir, 8);
    const fs::path svg = dir / "speedup.svg";
    const std::string command = "trap '' XFSZ; ulimit -f 4; '" + kBinary + "' bench '" + in +
                                "' --workers 1,2 --plot '" + svg.string() + "' >'" + (dir / "out.txt").string() +
                                "' 2>'" + (dir / "err.txt").string() + "'";
    const int status = std::system(command.c_str());
    std::ifstream err_file(dir / "err.txt");
    std::stringstream err;
    err << err_file.rdbuf();
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 1) << err.str();
    EXPECT_TRUE(contains(err.str(), "cannot write the plot " + svg.string() + ": File too large")) << err.str();
    EXPECT_FALSE(fs::exists(svg));
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        EXPECT_EQ(entry.path().filename().string().find(".pixpool-tmp"), std::string::npos) << "no temporary left";
    }
}

}  // namespace
