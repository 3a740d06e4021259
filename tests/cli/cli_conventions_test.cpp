// Issue 14: the conventions mogrify, vipsthumbnail and GNU parallel users
// expect: streams and exit codes, no inputs is an error, one value per
// option, --config anywhere, format aliases, stdin/stdout, {inext},
// did-you-mean, early refusals, --halt.
#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <sys/wait.h>

#include <fstream>
#include <sstream>

namespace {

using namespace cli_test;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

/// A shell pipeline with pixpool (named $P in it): for stdin and stdout.
Outcome shell(const Scratch& dir, const std::string& command) {
    const std::string line = "P='" + kBinary + "'; cd '" + dir.path().string() + "' && { " + command +
                             "; } >.stdout 2>.stderr";
    const int status = std::system(line.c_str());
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, read_text(dir / ".stdout"), read_text(dir / ".stderr")};
}

/// in/a.jpg in/b.png, and a corrupt one when asked.
fs::path two_images(const Scratch& dir, bool with_corrupt = false) {
    fs::create_directories(dir / "in");
    fs::copy_file(kSamples / "coffee.jpg", dir / "in/a.jpg");
    fs::copy_file(kSamples / "camera.png", dir / "in/b.png");
    if (with_corrupt) fs::copy_file(kSamples / "corrupt.jpg", dir / "in/c.jpg");
    return dir / "in";
}

TEST(CliStreams, SummaryAndErrorsGoToStderrAndStdoutCarriesOnlyData) {
    Scratch dir;
    const std::string in = two_images(dir, true).string();
    Outcome r = run_pixpool({"run", in, "-o", (dir / "out").string(), "-f", "invert"});
    EXPECT_EQ(r.status, 1);
    EXPECT_EQ(r.out, "") << "nothing but data on stdout";
    EXPECT_TRUE(contains(r.err, "3 files: 2 ok, 1 failed")) << r.err;
    EXPECT_TRUE(contains(r.err, "c.jpg: cannot decode")) << r.err;

    Outcome report = run_pixpool({"run", in, "-o", (dir / "out2").string(), "--report", "-"});
    EXPECT_EQ(report.status, 1);
    std::istringstream lines(report.out);
    int rows = 0;
    for (std::string line; std::getline(lines, line); ++rows) EXPECT_NO_THROW(nlohmann::json::parse(line)) << line;
    EXPECT_EQ(rows, 4) << "three files and the summary, all JSON:\n" << report.out;

    Outcome quiet = run_pixpool({"run", in, "-o", (dir / "out3").string(), "-q"});
    EXPECT_EQ(quiet.status, 1);
    EXPECT_EQ(quiet.out, "");
    EXPECT_EQ(quiet.err, "pixpool: error: " + (dir / "in/c.jpg").string() +
                             ": cannot decode (Premature end of JPEG file)\n")
        << "-q: the error and nothing else";

    Outcome plan = run_pixpool({"run", in, "-o", (dir / "out4").string(), "-n"});
    EXPECT_EQ(plan.status, 0) << plan.err;
    EXPECT_TRUE(contains(plan.out, "write: " + (dir / "in/a.jpg").string())) << plan.out;
    EXPECT_FALSE(contains(plan.out, "dry run:")) << "the count is a diagnostic, on stderr";
    EXPECT_TRUE(contains(plan.err, "dry run: 3 to write")) << plan.err;
}

TEST(CliNoInputs, DoingNothingIsExit2WithTheReason) {
    Scratch dir;
    fs::create_directories(dir / "tree/2025");
    fs::copy_file(kSamples / "coffee.jpg", dir / "tree/2025/a.jpg");
    Outcome forgot_r = run_pixpool({"run", (dir / "tree").string(), "-o", (dir / "x").string(), "-f", "invert"});
    EXPECT_EQ(forgot_r.status, 2);
    EXPECT_TRUE(contains(forgot_r.err, "only subfolders: add -r")) << forgot_r.err;
    EXPECT_FALSE(fs::exists(dir / "x")) << "nothing was created";

    Outcome no_match = run_pixpool({"run", (dir / "nosuch/*.jpg").string(), "-o", (dir / "x").string()});
    EXPECT_EQ(no_match.status, 2);
    EXPECT_TRUE(contains(no_match.err, "matched no image file")) << no_match.err;

    const std::string in = two_images(dir).string();
    Outcome same = run_pixpool({"run", in, "-o", in});
    EXPECT_EQ(same.status, 2);
    EXPECT_TRUE(contains(same.err, "is the input folder")) << same.err;
}

TEST(CliOneValue, AnOptionTakesOneValueAndNeverSwallowsAnInput) {
    Scratch dir;
    const std::string in = two_images(dir).string();
    Outcome ext = run_pixpool({"run", "--ext", "jpg", in, "-o", (dir / "o").string(), "-n"});
    EXPECT_EQ(ext.status, 0) << ext.err;
    EXPECT_TRUE(contains(ext.out, "a.jpg")) << ext.out;
    EXPECT_FALSE(contains(ext.out, "b.png")) << ext.out;

    Outcome both = run_pixpool({"run", "--ext", "jpg,png", in, "-o", (dir / "o").string(), "-n"});
    EXPECT_TRUE(contains(both.out, "b.png")) << both.out;

    Outcome filters = run_pixpool({"run", in, "-o", (dir / "o").string(), "-f", "invert", "sharpen", "-n"});
    EXPECT_EQ(filters.status, 2);
    EXPECT_TRUE(contains(filters.err, "-f A -f sharpen")) << filters.err;
}

TEST(CliConfig, ConfigWorksAnywhereAndAnUnknownKeyIsRefusedByName) {
    Scratch dir;
    const std::string in = two_images(dir).string();
    const std::string good = (dir / "good.toml").string();
    std::ofstream(good) << "[run]\noutput = \"" << (dir / "web").string() << "\"\nformat = \"webp\"\n";
    Outcome after = run_pixpool({"run", in, "--config", good, "-q"});
    EXPECT_EQ(after.status, 0) << after.err;
    EXPECT_TRUE(fs::exists(dir / "web/a.webp"));

    const std::string typo = (dir / "typo.toml").string();
    std::ofstream(typo) << "[run]\nqualty = 80\n";
    Outcome bad = run_pixpool({"run", in, "-o", (dir / "o").string(), "--config=" + typo});
    EXPECT_EQ(bad.status, 2);
    EXPECT_EQ(bad.err, "pixpool: error: " + typo + ": unknown key 'qualty' in [run] (did you mean quality?)\n");

    const std::string loose = (dir / "loose.toml").string();
    std::ofstream(loose) << "quality = 80\n";
    Outcome outside = run_pixpool({"--config", loose, "run", in, "-o", (dir / "o").string()});
    EXPECT_EQ(outside.status, 2);
    EXPECT_TRUE(contains(outside.err, loose + ": key 'quality' is outside a table")) << outside.err;

    const std::string wrong = (dir / "wrong.toml").string();
    std::ofstream(wrong) << "[bench]\noutput = \"x\"\n";
    Outcome not_taken = run_pixpool({"run", in, "-o", (dir / "o").string(), "--config", wrong});
    EXPECT_EQ(not_taken.status, 2);
    EXPECT_TRUE(contains(not_taken.err, "unknown key 'output' in [bench] (bench does not take --output)"))
        << not_taken.err;
}

TEST(CliFormats, AliasesInAnyCaseNameTheSameFormat) {
    Scratch dir;
    const std::string in = (dir / "in/a.jpg").string();
    two_images(dir);
    for (const std::string alias : {"jpeg", "JPG", "tif", "Png"}) {
        Outcome r = run_pixpool({"run", in, "-o", (dir / alias).string(), "--format", alias, "-q"});
        ASSERT_EQ(r.status, 0) << alias << ": " << r.err;
        std::string ext = alias;
        for (char& c : ext) c = static_cast<char>(std::tolower(c));
        const cv::Mat out = cv::imread((dir / alias / ("a." + ext)).string());
        EXPECT_FALSE(out.empty()) << alias << " wrote no readable a." << ext;
    }
    Outcome listing = run_pixpool({"formats"});
    EXPECT_EQ(listing.status, 0);
    EXPECT_TRUE(contains(listing.out, "jpg,jpeg,jpe")) << listing.out;
    EXPECT_TRUE(contains(listing.out, "tiff,tif")) << listing.out;
}

TEST(CliStdio, DashReadsStdinAndOutputDashWritesOneImageToStdout) {
    Scratch dir;
    two_images(dir);
    Outcome r = shell(dir, "\"$P\" run - -o - -f grayscale < in/a.jpg > gray.jpg");
    ASSERT_EQ(r.status, 0) << r.err;
    const cv::Mat original = cv::imread((dir / "in/a.jpg").string(), cv::IMREAD_UNCHANGED);
    const cv::Mat gray = cv::imread((dir / "gray.jpg").string(), cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(gray.empty()) << "stdout was not a JPEG";
    EXPECT_EQ(gray.size(), original.size());
    EXPECT_EQ(gray.channels(), 1);

    Outcome two = shell(dir, "\"$P\" run in -o - > out.bin");
    EXPECT_EQ(two.status, 2);
    EXPECT_TRUE(contains(two.err, "-o - writes one image to stdout, but the inputs are 2 files")) << two.err;
    EXPECT_EQ(read_text(dir / "out.bin"), "");
}

TEST(CliNames, InextKeepsOutputsOfOneStemApartAndTheHintSaysSo) {
    Scratch dir;
    fs::create_directories(dir / "m");
    fs::copy_file(kSamples / "coffee.jpg", dir / "m/a.jpg");
    fs::copy_file(kSamples / "camera.png", dir / "m/a.png");
    Outcome clash = run_pixpool({"run", (dir / "m").string(), "-o", (dir / "w").string(), "--format", "webp"});
    EXPECT_EQ(clash.status, 1);
    EXPECT_TRUE(contains(clash.err, "--name '{stem}.{inext}.{ext}'")) << clash.err;

    Outcome fixed = run_pixpool({"run", (dir / "m").string(), "-o", (dir / "w2").string(), "--format", "webp",
                                 "--name", "{stem}.{inext}.{ext}", "-q"});
    EXPECT_EQ(fixed.status, 0) << fixed.err;
    EXPECT_TRUE(fs::exists(dir / "w2/a.jpg.webp"));
    EXPECT_TRUE(fs::exists(dir / "w2/a.png.webp"));

    Outcome file_dir = run_pixpool({"run", (dir / "m/a.jpg").string(), "-o", (dir / "w3").string(), "--name",
                                    "{dir}_{stem}.{ext}", "-q"});
    EXPECT_EQ(file_dir.status, 0) << file_dir.err;
    EXPECT_TRUE(fs::exists(dir / "w3/a.jpg")) << "{dir} of a file named directly is empty, not '.'";
}

TEST(CliDiscoverability, UsageAndDidYouMeanForCommandsOptionsAndFilters) {
    Outcome alone = run_pixpool({});
    EXPECT_EQ(alone.status, 2);
    EXPECT_TRUE(contains(alone.err, "usage: pixpool COMMAND")) << alone.err;
    EXPECT_EQ(alone.out, "");

    Outcome command = run_pixpool({"rn"});
    EXPECT_EQ(command.status, 2);
    EXPECT_TRUE(contains(command.err, "unknown command 'rn' (did you mean run?)")) << command.err;

    Outcome option = run_pixpool({"run", "x.jpg", "-o", "o", "--qualty", "80"});
    EXPECT_EQ(option.status, 2);
    EXPECT_TRUE(contains(option.err, "unknown option --qualty (did you mean --quality?)")) << option.err;

    Outcome filter = run_pixpool({"run", "x.jpg", "-o", "o", "-f", "gausian_blur"});
    EXPECT_EQ(filter.status, 2);
    EXPECT_TRUE(contains(filter.err, "unknown filter 'gausian_blur' (did you mean gaussian_blur?)")) << filter.err;

    Outcome one = run_pixpool({"filters", "resize"});
    EXPECT_EQ(one.status, 0);
    EXPECT_EQ(one.out.rfind("resize\n", 0), 0u) << one.out;
    EXPECT_TRUE(contains(one.out, "width:")) << one.out;
    EXPECT_FALSE(contains(one.out, "gaussian_blur")) << "only the one filter";

    Outcome version = run_pixpool({"-V"});
    EXPECT_EQ(version.status, 0);
    EXPECT_EQ(version.out.rfind("pixpool ", 0), 0u) << version.out;
}

TEST(CliDiscoverability, EveryHelpFitsEightyColumns) {
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"--help"}, {"run", "--help"}, {"blur", "--help"}, {"bench", "--help"}, {"filters", "--help"}}) {
        Outcome r = run_pixpool(args);
        EXPECT_EQ(r.status, 0) << args[0];
        EXPECT_TRUE(contains(r.out, "usage: pixpool")) << r.out;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) EXPECT_LE(line.size(), 80u) << args[0] << ": " << line;
    }
}

TEST(CliBench, RefusesTheOptionsItWouldIgnore) {
    Scratch dir;
    const std::string in = two_images(dir).string();
    for (const std::vector<std::string> extra :
         {std::vector<std::string>{"-o", "x"}, {"--report", "r.jsonl"}, {"-n"}, {"--in-place"}}) {
        std::vector<std::string> args = {"bench", in};
        args.insert(args.end(), extra.begin(), extra.end());
        Outcome r = run_pixpool(args);
        EXPECT_EQ(r.status, 2) << extra[0];
        EXPECT_TRUE(contains(r.err, "bench does not take " + extra[0])) << r.err;
        EXPECT_EQ(r.out, "") << "refused before timing anything";
    }
}

TEST(CliHalt, HaltOnErrorStopsStartingFilesAndExits1) {
    Scratch dir;
    fs::create_directories(dir / "in");
    // Largest first: the broken file is dispatched first.
    std::ofstream(dir / "in/broken.jpg") << std::string(4 << 20, 'x');
    for (int i = 0; i < 8; ++i) fs::copy_file(kSamples / "camera.png", dir / ("in/ok" + std::to_string(i) + ".png"));
    Outcome r = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-j", "1",
                             "--halt-on-error", "--report", (dir / "r.jsonl").string()});
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_TRUE(contains(r.err, "halted after 1 failure (--halt-on-error)")) << r.err;
    std::size_t written = 0;
    for (int i = 0; i < 8; ++i) written += fs::exists(dir / ("out/ok" + std::to_string(i) + ".png"));
    EXPECT_LT(written, 8u) << "files were still started after the failure";
    EXPECT_TRUE(contains(read_text(dir / "r.jsonl"), "\"status\":\"cancelled\"")) << read_text(dir / "r.jsonl");

    Outcome bad = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "o2").string(), "--halt", "fail=x"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_TRUE(contains(bad.err, "--halt takes fail=N or fail=N%")) << bad.err;
}

}  // namespace
