// Formats and the lean read path, end to end with the real binary: HEIC and
// AVIF inputs (made here with libheif's heif-enc), AVIF output, shrink-on-load
// against the exact path, each input opened exactly once (strace), and
// OpenCV's codecs loaded only when a format needs them.

#include "cli_support.hpp"
#include "../sanitized_build.hpp"

#include <exiv2/exiv2.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

namespace {

using cli_test::run_pixpool;
using cli_test::Scratch;
namespace fs = std::filesystem;

/// Runs a shell command line; its exit status.
int shell(const std::string& command) { return std::system(command.c_str()); }

std::string quoted(const fs::path& path) { return "'" + path.string() + "'"; }

/// Runs `pixpool ARGS` under strace; the file opens of every process, one
/// line each. LeakSanitizer cannot run under ptrace and would fail pixpool
/// at exit; the rest of ASan checks the run as any other.
std::string files_opened(const fs::path& log, const std::string& args) {
    const std::string leaks_off = kSanitizedBuild ? "ASAN_OPTIONS=\"${ASAN_OPTIONS:-}:detect_leaks=0\" " : "";
    const std::string command = leaks_off + "strace -f -qq -e trace=open,openat,openat2 -o " + quoted(log) + " " +
                                quoted(fs::path(cli_test::kBinary)) + " " + args + " >/dev/null 2>&1";
    EXPECT_EQ(shell(command), 0) << "strace or pixpool failed: " << command;
    std::ifstream lines(log);
    std::stringstream text;
    text << lines.rdbuf();
    return text.str();
}

/// 120x80: a red block at the top-left, the rest a grey gradient.
cv::Mat red_corner_picture() {
    cv::Mat image(80, 120, CV_8UC3);
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x) image.at<cv::Vec3b>(y, x) = cv::Vec3b(60 + x, 60 + x, 60 + x);
    image(cv::Rect(0, 0, 30, 20)).setTo(cv::Scalar(0, 0, 255));
    return image;
}

bool red_at(const cv::Mat& image, cv::Point where) {
    const cv::Vec3b p = image.at<cv::Vec3b>(where);
    return p[2] > 180 && p[1] < 90 && p[0] < 90;
}

TEST(Formats, HeicAndAvifInputsAreDecodedAndAvifIsWritten) {
    Scratch dir;
    fs::create_directories(dir / "in");
    ASSERT_TRUE(cv::imwrite((dir / "picture.png").string(), red_corner_picture()));
    for (const char* ext : {"heic", "avif"}) {
        ASSERT_EQ(shell("heif-enc -q 90 " + quoted(dir / "picture.png") + " -o " +
                        quoted(dir / "in" / (std::string("photo.") + ext)) + " >/dev/null 2>&1"),
                  0)
            << "heif-enc (Debian's libheif-examples) could not make the ." << ext << " input";
    }
    // Both inputs have the stem "photo": each goes to a folder of its own.
    for (const char* ext : {"heic", "avif"}) {
        const fs::path out = dir / (std::string("out-") + ext);
        const auto one = run_pixpool({"run", (dir / "in" / (std::string("photo.") + ext)).string(), "-o",
                                      out.string(), "--format", "png"});
        ASSERT_EQ(one.status, 0) << ext << ": " << one.err;
        const cv::Mat back = cv::imread((out / "photo.png").string(), cv::IMREAD_COLOR);
        ASSERT_EQ(back.size(), cv::Size(120, 80)) << ext;
        EXPECT_TRUE(red_at(back, {5, 5})) << ext;
        EXPECT_FALSE(red_at(back, {100, 60})) << ext;
    }

    // AVIF out, then read back by pixpool itself (libheif both ways) and by heif-info.
    const auto avif = run_pixpool({"run", (dir / "picture.png").string(), "-o", (dir / "avif").string(), "--format",
                                   "avif", "--quality", "80"});
    ASSERT_EQ(avif.status, 0) << avif.err;
    EXPECT_EQ(shell("heif-info " + quoted(dir / "avif" / "picture.avif") + " | grep -q 'main brand: avif'"), 0);
    const auto back = run_pixpool({"run", (dir / "avif" / "picture.avif").string(), "-o", (dir / "again").string(),
                                   "--format", "png"});
    ASSERT_EQ(back.status, 0) << back.err;
    const cv::Mat again = cv::imread((dir / "again" / "picture.png").string(), cv::IMREAD_COLOR);
    ASSERT_EQ(again.size(), cv::Size(120, 80));
    EXPECT_GT(cv::PSNR(again, red_corner_picture()), 30);
}

/// A photo-sized JPEG made from a real photograph (astronaut.jpg enlarged,
/// faint grain), with an EXIF orientation when `orientation` is not 1.
void write_photo(const fs::path& path, cv::Size size, int orientation) {
    cv::Mat photo = cv::imread((cli_test::kSamples / "astronaut.jpg").string(), cv::IMREAD_COLOR);
    cv::resize(photo, photo, size, 0, 0, cv::INTER_CUBIC);
    cv::Mat grain(photo.size(), CV_16SC3);
    cv::RNG(9).fill(grain, cv::RNG::NORMAL, 0, 3);
    cv::add(photo, grain, photo, cv::noArray(), CV_8UC3);
    ASSERT_TRUE(cv::imwrite(path.string(), photo, {cv::IMWRITE_JPEG_QUALITY, 90}));
    if (orientation == 1) return;
    auto image = Exiv2::ImageFactory::open(path.string());
    image->readMetadata();
    image->exifData()["Exif.Image.Orientation"] = static_cast<std::uint16_t>(orientation);
    image->writeMetadata();
}

TEST(Formats, ShrinkOnLoadIsWithin40DbOfTheExactPathAndKeepsItsSize) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_photo(dir / "in" / "wide.jpg", {2400, 1800}, 1);
    write_photo(dir / "in" / "sideways.jpg", {2001, 1499}, 6);  // upright 1499x2001
    for (const char* resize : {"resize:width=300", "resize:width=400,height=400,fit=cover"}) {
        const auto fast = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "fast").string(), "-f", resize,
                                       "--quality", "95", "--overwrite"});
        const auto exact = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "exact").string(), "-f", resize,
                                        "--quality", "95", "--overwrite", "--no-shrink-on-load"});
        ASSERT_EQ(fast.status, 0) << fast.err;
        ASSERT_EQ(exact.status, 0) << exact.err;
        for (const char* name : {"wide.jpg", "sideways.jpg"}) {
            const cv::Mat a = cv::imread((dir / "fast" / name).string(), cv::IMREAD_COLOR);
            const cv::Mat b = cv::imread((dir / "exact" / name).string(), cv::IMREAD_COLOR);
            ASSERT_FALSE(b.empty()) << name;
            ASSERT_EQ(a.size(), b.size()) << resize << " " << name;
            EXPECT_GE(cv::PSNR(a, b), 40) << resize << " " << name;
        }
    }
    // Sideways: turned upright (1499x2001), then covered to 400x400.
    EXPECT_EQ(cv::imread((dir / "exact" / "sideways.jpg").string()).size(), cv::Size(400, 400));
}

/// `pixpool formats` split into its table rows (up to the blank line) and the notes after it.
std::vector<std::string> listing_rows(const std::string& listing) {
    std::vector<std::string> rows;
    std::istringstream lines(listing);
    for (std::string line; std::getline(lines, line) && !line.empty();) rows.push_back(line);
    return rows;
}

/// The cells of a row, split at runs of two or more spaces.
std::vector<std::string> cells_of(const std::string& row) {
    std::vector<std::string> cells;
    std::size_t at = 0;
    while (at < row.size()) {
        std::size_t end = row.find("  ", at);
        if (end == std::string::npos) end = row.size();
        cells.push_back(row.substr(at, end - at));
        at = row.find_first_not_of(' ', end);
        if (at == std::string::npos) break;
    }
    return cells;
}

TEST(Formats, TheListingFitsEightyColumnsAndEveryRowIsInLine) {
    const auto listing = run_pixpool({"formats"});
    ASSERT_EQ(listing.status, 0) << listing.err;
    EXPECT_EQ(listing.err, "");
    std::istringstream all(listing.out);
    for (std::string line; std::getline(all, line);) EXPECT_LE(line.size(), 80u) << line;
    const std::vector<std::string> rows = listing_rows(listing.out);
    ASSERT_GE(rows.size(), 10u) << listing.out;
    const std::vector<std::string> header = cells_of(rows[0]);
    ASSERT_EQ(header, (std::vector<std::string>{"format", "extensions", "read", "write", "16-bit", "alpha",
                                                "metadata"}));
    // Each cell starts where its heading does: no long alias list (Netpbm's) pushes a row out of line.
    for (const std::string& row : rows) {
        for (const char* heading : {"extensions", "read", "write", "16-bit", "alpha", "metadata"}) {
            const std::size_t column = rows[0].find(heading);
            ASSERT_LT(column, row.size()) << row;
            EXPECT_TRUE(row[column - 1] == ' ' && row[column] != ' ') << heading << " out of line in\n" << row;
        }
    }
    std::map<std::string, std::vector<std::string>> by_name;
    for (std::size_t i = 1; i < rows.size(); ++i) by_name[cells_of(rows[i])[0]] = cells_of(rows[i]);
    EXPECT_EQ(by_name["JPEG"], (std::vector<std::string>{"JPEG", "jpg,jpeg,jpe", "yes", "yes", "no", "no",
                                                         "ICC EXIF XMP"}));
    // libheif writes the ICC profile, EXIF and XMP into AVIF and HEIC outputs (heif_metadata_test.cpp).
    EXPECT_EQ(by_name["AVIF"].back(), "ICC EXIF XMP");
    EXPECT_EQ(by_name["HEIC"].back(), "ICC EXIF XMP");
    EXPECT_EQ(by_name["BMP"].back(), "none");
    EXPECT_EQ(by_name["Netpbm"].size(), 7u) << rows.back();
    EXPECT_EQ(by_name["GIF"][3], "no");
    EXPECT_NE(listing.out.find("a GIF becomes a PNG"), std::string::npos) << listing.out;
}

TEST(Formats, WhatTheListingSaysIsWhatRunDoes) {
    Scratch dir;
    ASSERT_TRUE(cv::imwrite((dir / "in.png").string(), red_corner_picture()));
    const std::vector<std::string> rows = listing_rows(run_pixpool({"formats"}).out);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const std::vector<std::string> cells = cells_of(rows[i]);
        std::istringstream extensions(cells[1]);
        for (std::string ext; std::getline(extensions, ext, ',');) {
            // write yes: --format takes every extension of the row, and names outputs with it;
            // write no: it refuses the format (its first extension is enough).
            const auto plan = run_pixpool({"run", (dir / "in.png").string(), "-o", (dir / "out").string(), "-n",
                                           "--format", ext});
            if (cells[3] == "yes") {
                EXPECT_EQ(plan.status, 0) << ext << ": " << plan.err;
                EXPECT_NE(plan.out.find((dir / "out" / ("in." + ext)).string()), std::string::npos) << ext << ": " << plan.out;
            } else {
                EXPECT_EQ(plan.status, 2) << ext << " is not written, yet --format took it";
                break;
            }
        }
    }
    // Without --format an output keeps its input's format, even one --format does not offer.
    ASSERT_TRUE(cv::imwrite((dir / "in.ppm").string(), red_corner_picture()));
    const auto kept = run_pixpool({"run", (dir / "in.ppm").string(), "-o", (dir / "kept").string(), "-q"});
    ASSERT_EQ(kept.status, 0) << kept.err;
    EXPECT_TRUE(red_at(cv::imread((dir / "kept" / "in.ppm").string()), {5, 5}));
}

TEST(Formats, EachInputIsOpenedExactlyOnce) {
    Scratch dir;
    fs::create_directories(dir / "in");
    for (const char* name : {"astronaut.jpg", "coffee.jpg", "rocket.webp", "chelsea.png", "camera.png"})
        fs::copy_file(cli_test::kSamples / name, dir / "in" / name);
    std::istringstream lines(files_opened(dir / "opens.txt", "run " + quoted(dir / "in") + " -o " +
                                                                 quoted(dir / "out") + " -j 2 -f gaussian_blur:sigma=1"));
    std::map<std::string, int> opens;
    for (std::string line; std::getline(lines, line);) {
        for (const auto& entry : fs::directory_iterator(dir / "in")) {
            if (line.find("\"" + entry.path().string() + "\"") != std::string::npos) ++opens[entry.path().filename()];
        }
    }
    for (const auto& entry : fs::directory_iterator(dir / "in"))
        EXPECT_EQ(opens[entry.path().filename()], 1) << entry.path().filename() << " opened that many times";
}

TEST(Formats, FilesOfUnsupportedFormatsInAFolderAreReportedNotDropped) {
    Scratch dir;
    fs::create_directories(dir / "in");
    fs::copy_file(cli_test::kSamples / "coffee.jpg", dir / "in" / "coffee.jpg");
    for (const char* name : {"notes.txt", "scan.xyz", "Makefile"}) std::ofstream(dir / "in" / name) << "not an image\n";
    std::ofstream(dir / "in" / ".DS_Store") << "hidden debris is not reported";
    const fs::path report = dir / "report.jsonl";
    const auto run = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-f", "invert",
                                  "--report", report.string()});
    ASSERT_EQ(run.status, 0) << "unsupported files are not failures: " << run.err;
    EXPECT_TRUE(fs::exists(dir / "out" / "coffee.jpg"));
    EXPECT_NE(run.err.find("1 files: 1 ok, 0 failed"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("3 skipped: unsupported format"), std::string::npos) << run.err;
    for (const std::string& line : {"skipped: " + (dir / "in" / "notes.txt").string() + ": unsupported format .txt",
                                    "skipped: " + (dir / "in" / "scan.xyz").string() + ": unsupported format .xyz",
                                    "skipped: " + (dir / "in" / "Makefile").string() +
                                        ": unsupported format (no extension)"}) {
        EXPECT_NE(run.err.find(line), std::string::npos) << "missing: " << line << "\n" << run.err;
    }
    EXPECT_EQ(run.err.find(".DS_Store"), std::string::npos) << run.err;

    // --report lists each, and its summary counts them apart from the files read.
    std::ifstream rows(report);
    std::map<std::string, std::string> status_of;
    std::string summary;
    for (std::string line; std::getline(rows, line);) {
        const auto row = nlohmann::json::parse(line);
        if (row.contains("summary")) summary = line;
        else status_of[fs::path(row.at("input").get<std::string>()).filename()] = row.at("status").get<std::string>();
    }
    EXPECT_EQ(status_of, (std::map<std::string, std::string>{
                             {"coffee.jpg", "ok"}, {"notes.txt", "unsupported"}, {"scan.xyz", "unsupported"},
                             {"Makefile", "unsupported"}}));
    ASSERT_FALSE(summary.empty());
    EXPECT_EQ(nlohmann::json::parse(summary).at("unsupported"), 3);
    EXPECT_EQ(nlohmann::json::parse(summary).at("files"), 1);

    // The dry-run plan says so too; --ext chooses the files, so nothing else is reported.
    const auto plan = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "plan").string(), "-n"});
    EXPECT_NE(plan.out.find("skip (unsupported format .xyz): " + (dir / "in" / "scan.xyz").string()),
              std::string::npos) << plan.out;
    const auto chosen =
        run_pixpool({"run", (dir / "in").string(), "-o", (dir / "chosen").string(), "--ext", "jpg", "-f", "invert"});
    ASSERT_EQ(chosen.status, 0) << chosen.err;
    EXPECT_EQ(chosen.err.find("unsupported"), std::string::npos) << chosen.err;
}

/// OpenCV's imgcodecs and its hundred libraries (GDAL among them) are not
/// linked into pixpool: a run on JPEG and WebP never loads them, and the
/// first PNG loads them once per worker, through pixpool-opencv-codecs.so.
TEST(Formats, OpenCvCodecsAreLoadedOnlyForTheFormatsThatNeedThem) {
    Scratch dir;
    const fs::path libraries = dir / "ldd.txt";
    ASSERT_EQ(shell("ldd " + quoted(fs::path(cli_test::kBinary)) + " > " + quoted(libraries)), 0);
    std::ifstream ldd(libraries);
    std::stringstream linked;
    linked << ldd.rdbuf();
    EXPECT_EQ(linked.str().find("libopencv_imgcodecs"), std::string::npos) << linked.str();
    EXPECT_EQ(linked.str().find("libgdal"), std::string::npos) << linked.str();

    const std::string lean = files_opened(dir / "lean.txt", "run " + quoted(cli_test::kSamples / "coffee.jpg") + " " +
                                                                quoted(cli_test::kSamples / "rocket.webp") + " -o " +
                                                                quoted(dir / "out") + " -j 2 -q -f invert");
    EXPECT_EQ(lean.find("pixpool-opencv-codecs.so"), std::string::npos) << lean;
    EXPECT_EQ(lean.find("libopencv_imgcodecs"), std::string::npos) << lean;
    const std::string with_png = files_opened(
        dir / "png.txt", "run " + quoted(cli_test::kSamples / "camera.png") + " -o " + quoted(dir / "out") + " -q");
    EXPECT_NE(with_png.find("pixpool-opencv-codecs.so"), std::string::npos) << with_png;
    EXPECT_TRUE(fs::exists(dir / "out" / "camera.png"));
}

/// Without the module, only the files that need it fail, each with one
/// error naming it and the module; the rest of the batch is written.
TEST(Formats, AMissingOpenCvModuleFailsOnlyTheFilesThatNeedIt) {
    Scratch dir;
    fs::create_directories(dir / "empty");
    const auto run = cli_test::run_pixpool_with_env(
        {"run", (cli_test::kSamples / "camera.png").string(), (cli_test::kSamples / "coffee.jpg").string(), "-o",
         (dir / "out").string(), "-f", "invert"},
        {{"PIXPOOL_MODULE_DIR", (dir / "empty").string()}});
    EXPECT_EQ(run.status, 1) << run.err;
    EXPECT_TRUE(fs::exists(dir / "out" / "coffee.jpg"));
    EXPECT_FALSE(fs::exists(dir / "out" / "camera.png"));
    const std::string error = (cli_test::kSamples / "camera.png").string() +
                              ": cannot decode: OpenCV's codecs (pixpool-opencv-codecs.so) cannot be loaded: not found in " +
                              (dir / "empty").string();
    EXPECT_NE(run.err.find(error), std::string::npos) << run.err;

    // Writing PNG needs it as well; JPEG and WebP outputs do not.
    const auto png_out = cli_test::run_pixpool_with_env(
        {"run", (cli_test::kSamples / "coffee.jpg").string(), "-o", (dir / "png").string(), "--format", "png"},
        {{"PIXPOOL_MODULE_DIR", (dir / "empty").string()}});
    EXPECT_EQ(png_out.status, 1) << png_out.err;
    EXPECT_NE(png_out.err.find("coffee.png: cannot encode as png: OpenCV's codecs (pixpool-opencv-codecs.so) cannot be loaded"),
              std::string::npos)
        << png_out.err;
    EXPECT_FALSE(fs::exists(dir / "png" / "coffee.png"));

    // A broken module (not a shared object) is refused with dlopen's reason, naming it.
    fs::create_directories(dir / "broken");
    std::ofstream(dir / "broken" / "pixpool-opencv-codecs.so") << "not a shared object\n";
    const auto broken = cli_test::run_pixpool_with_env(
        {"run", (cli_test::kSamples / "camera.png").string(), (cli_test::kSamples / "coffee.jpg").string(), "-o",
         (dir / "broken-out").string()},
        {{"PIXPOOL_MODULE_DIR", (dir / "broken").string()}});
    EXPECT_EQ(broken.status, 1) << broken.err;
    EXPECT_TRUE(fs::exists(dir / "broken-out" / "coffee.jpg"));
    EXPECT_NE(broken.err.find("camera.png: cannot decode: OpenCV's codecs (pixpool-opencv-codecs.so) cannot be loaded: " +
                              (dir / "broken" / "pixpool-opencv-codecs.so").string()),
              std::string::npos)
        << broken.err;
}

}  // namespace
