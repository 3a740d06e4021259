/// Reading and atomic writing against real files: the reasons users see, the
/// format conversions, and that no partial or temporary file is ever left.

#include "test_util.hpp"

#include <pixpool/image_job.hpp>

#include <opencv2/imgcodecs.hpp>

#include <fstream>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace pixpool {
namespace fs = std::filesystem;
namespace {

using test_util::names_containing;
using test_util::sample;
using test_util::TempDir;

/// The message of the ImageError that `run` throws.
template <typename Run>
std::string error_of(Run run) {
    return test_util::error_of<ImageError>(run);
}

TEST(ReadImage, KeepsSizeAndChannels) {
    const cv::Mat color = read_image(sample("coffee.jpg"));
    EXPECT_EQ(color.cols, 600);
    EXPECT_EQ(color.rows, 400);
    EXPECT_EQ(color.channels(), 3);
    EXPECT_EQ(read_image(sample("camera.png")).channels(), 1);
    EXPECT_FALSE(read_image(sample("rocket.webp")).empty());
}

TEST(ReadImage, Keeps16BitAndAlpha) {
    TempDir dir;
    cv::Mat deep(8, 9, CV_16UC4, cv::Scalar(1000, 2000, 3000, 40000));
    ASSERT_TRUE(cv::imwrite(dir / "deep.png", deep));
    const cv::Mat back = read_image(dir / "deep.png");
    EXPECT_EQ(back.type(), CV_16UC4);
    EXPECT_EQ(back.at<cv::Vec4w>(3, 3)[3], 40000);
}

TEST(ReadImage, CorruptFileSaysCannotDecodeWithTheDecodersReason) {
    const std::string path = sample("corrupt.jpg");
    EXPECT_EQ(error_of([&] { read_image(path); }), path + ": cannot decode (Premature end of JPEG file)");
}

TEST(ReadImage, BytesThatAreNoImageSayNotAnImage) {
    TempDir dir;
    const std::string path = dir / "notes.png";
    std::ofstream(path) << "this is text, not a PNG\n";
    EXPECT_EQ(error_of([&] { read_image(path); }), path + ": cannot decode (not an image or unsupported format)");
}

TEST(ReadImage, EmptyFileSaysSo) {
    TempDir dir;
    const std::string path = dir / "empty.jpg";
    std::ofstream{path};
    EXPECT_EQ(error_of([&] { read_image(path); }), path + ": cannot decode: the file is empty");
}

/// The first `keep` bytes of a real JPEG: libjpeg warns "Premature end of JPEG file".
std::string truncated_jpeg(const TempDir& dir, std::size_t keep) {
    const std::string path = dir / "truncated.jpg";
    std::string bytes = test_util::read_bytes(sample("coffee.jpg"));
    std::ofstream(path, std::ios::binary) << bytes.substr(0, keep);
    return path;
}

TEST(ReadImage, DecoderWarningsAreTiedToTheFileNotPrintedToStderr) {
    TempDir dir;
    const std::string path = truncated_jpeg(dir, 30000);
    std::string warnings;
    testing::internal::CaptureStderr();
    const cv::Mat image = read_image(path, {}, &warnings);
    const std::string printed = testing::internal::GetCapturedStderr();
    EXPECT_FALSE(image.empty());
    EXPECT_EQ(warnings, "Premature end of JPEG file");
    EXPECT_EQ(printed, "");
}

TEST(ReadImage, FailOnWarningFailsATruncatedJpeg) {
    TempDir dir;
    const std::string path = truncated_jpeg(dir, 30000);
    ReadOptions strict;
    strict.fail_on_warning = true;
    EXPECT_EQ(error_of([&] { read_image(path, strict); }), path + ": decoder warning: Premature end of JPEG file");
}

TEST(ReadImage, AHeaderDeclaringTooManyPixelsIsRefusedBeforeDecoding) {
    TempDir dir;
    const std::string path = dir / "wide.png";
    ASSERT_TRUE(cv::imwrite(path, cv::Mat(100, 300, CV_8UC1, cv::Scalar(9))));
    ReadOptions small;
    small.max_pixels = 20000;
    EXPECT_EQ(error_of([&] { read_image(path, small); }),
              path + ": refused: 300x100 is 0.03 megapixels, over the limit of 0.02 (--max-pixels)");
    small.max_pixels = 30000;
    EXPECT_EQ(read_image(path, small).size(), cv::Size(300, 100));
}

TEST(ReadImage, TextFileSaysCannotDecode) {
    TempDir dir;
    test_util::write_bytes(dir / "notes.png", "not a png");
    EXPECT_NE(error_of([&] { read_image(dir / "notes.png"); }).find("notes.png: cannot decode"),
              std::string::npos);
}

TEST(ReadImage, MissingFileGivesErrnoReason) {
    TempDir dir;
    const std::string path = dir / "nope.jpg";
    EXPECT_EQ(error_of([&] { read_image(path); }), path + ": cannot read: No such file or directory");
}

TEST(ReadImage, FolderSaysIsADirectory) {
    TempDir dir;
    EXPECT_EQ(error_of([&] { read_image(dir.path().string()); }), dir.path().string() + ": is a directory");
}

TEST(WriteImage, WritesDecodableFileAndCreatesFolders) {
    TempDir dir;
    const cv::Mat image = read_image(sample("chelsea.png"));
    const std::string out = dir / "a/b/c.png";
    write_image_atomically(image, out, OutputOptions{});
    const cv::Mat back = cv::imread(out, cv::IMREAD_UNCHANGED);
    ASSERT_FALSE(back.empty());
    EXPECT_EQ(cv::norm(image, back, cv::NORM_INF), 0);  // PNG is lossless
    EXPECT_TRUE(names_containing(dir / "a/b", "pixpool-tmp").empty());
}

TEST(WriteImage, OutputGetsNormalPermissionsNotMkstemps0600) {
    TempDir dir;
    const mode_t old_mask = ::umask(022);
    write_image_atomically(cv::Mat(4, 4, CV_8UC3, cv::Scalar::all(9)), dir / "p.png", OutputOptions{});
    ::umask(old_mask);
    const auto perms = fs::status(dir / "p.png").permissions();
    EXPECT_EQ(perms, fs::perms(0644));
}

TEST(WriteImage, JpegQualityChangesTheFile) {
    TempDir dir;
    const cv::Mat image = read_image(sample("astronaut.jpg"));
    OutputOptions low;
    low.quality = 10;
    OutputOptions high;
    high.quality = 98;
    write_image_atomically(image, dir / "low.jpg", low);
    write_image_atomically(image, dir / "high.jpg", high);
    EXPECT_LT(fs::file_size(dir / "low.jpg") * 3, fs::file_size(dir / "high.jpg"));
}

TEST(WriteImage, SixteenBitToJpegOrWebpIsScaledNotSaturated) {
    TempDir dir;
    cv::Mat deep(16, 16, CV_16UC3, cv::Scalar(0, 32896, 65535));  // 32896 = 128 * 257
    for (const char* name : {"deep.jpg", "deep.webp"}) {
        write_image_atomically(deep, dir / name, OutputOptions{});
        const cv::Mat back = cv::imread(dir / name, cv::IMREAD_UNCHANGED);
        ASSERT_EQ(back.type(), CV_8UC3) << name;
        const cv::Vec3b pixel = back.at<cv::Vec3b>(8, 8);
        EXPECT_NEAR(pixel[0], 0, 2) << name;
        EXPECT_NEAR(pixel[1], 128, 2) << name;
        EXPECT_NEAR(pixel[2], 255, 2) << name;
    }
}

TEST(WriteImage, SixteenBitStaysSixteenBitInPng) {
    TempDir dir;
    cv::Mat deep(5, 5, CV_16UC1, cv::Scalar(54321));
    write_image_atomically(deep, dir / "deep.png", OutputOptions{});
    const cv::Mat back = cv::imread(dir / "deep.png", cv::IMREAD_UNCHANGED);
    ASSERT_EQ(back.type(), CV_16UC1);
    EXPECT_EQ(back.at<unsigned short>(2, 2), 54321);
}

TEST(WriteImage, AlphaIsDroppedForJpegAndKeptForPng) {
    TempDir dir;
    cv::Mat rgba(10, 10, CV_8UC4, cv::Scalar(10, 200, 30, 0));
    write_image_atomically(rgba, dir / "x.jpg", OutputOptions{});
    write_image_atomically(rgba, dir / "x.png", OutputOptions{});
    EXPECT_EQ(cv::imread(dir / "x.jpg", cv::IMREAD_UNCHANGED).channels(), 3);
    EXPECT_EQ(cv::imread(dir / "x.png", cv::IMREAD_UNCHANGED).channels(), 4);
}

TEST(WriteImage, LosslessWebpKeepsEveryPixelAndItsAlpha) {
    TempDir dir;
    cv::Mat bgra(10, 12, CV_8UC4);
    cv::randu(bgra, cv::Scalar::all(0), cv::Scalar::all(256));
    bgra |= cv::Scalar(0, 0, 0, 1);  // no alpha 0, whose colour libwebp (as OpenCV used it) may change
    OutputOptions lossless;
    lossless.webp_lossless = true;
    write_image_atomically(bgra, dir / "x.webp", lossless);
    const cv::Mat back = cv::imread(dir / "x.webp", cv::IMREAD_UNCHANGED);
    ASSERT_EQ(back.type(), CV_8UC4);
    EXPECT_EQ(cv::norm(back, bgra, cv::NORM_INF), 0);
}

TEST(WriteImage, TargetIsAFolderFailsAndLeavesNoTempFile) {
    // Root ignores permission bits, so use a failure root cannot bypass:
    // rename() of a file onto a folder is EISDIR.
    TempDir dir;
    fs::create_directory(dir / "taken.png");
    const std::string out = dir / "taken.png";
    const std::string message =
        error_of([&] { write_image_atomically(cv::Mat(4, 4, CV_8UC1, cv::Scalar(1)), out, OutputOptions{}); });
    EXPECT_EQ(message, out + ": cannot write: Is a directory");
    EXPECT_TRUE(names_containing(dir.path(), "pixpool-tmp").empty());
    EXPECT_TRUE(fs::is_directory(out));
}

TEST(WriteImage, ParentIsAFileNamesTheOutputAndTheReason) {
    TempDir dir;
    test_util::write_bytes(dir / "file", "x");
    const std::string out = dir / "file/sub/a.jpg";
    const std::string message =
        error_of([&] { write_image_atomically(cv::Mat(4, 4, CV_8UC1, cv::Scalar(1)), out, OutputOptions{}); });
    EXPECT_EQ(message.rfind(out + ": cannot create folder", 0), 0u) << message;
    EXPECT_EQ(names_containing(dir.path(), "pixpool-tmp").size(), 0u);
}

TEST(WriteImage, UnknownExtensionIsAnImageError) {
    TempDir dir;
    const std::string out = dir / "a.nosuchformat";
    const std::string message =
        error_of([&] { write_image_atomically(cv::Mat(4, 4, CV_8UC1, cv::Scalar(1)), out, OutputOptions{}); });
    EXPECT_EQ(message.rfind(out + ": cannot encode", 0), 0u) << message;
    EXPECT_FALSE(fs::exists(out));
}

/// Rewrites `path` with images of two sizes until killed.
[[noreturn]] void keep_rewriting(const std::string& path) {
    cv::Mat small(300, 400, CV_8UC3);
    cv::Mat big(600, 800, CV_8UC3);
    cv::randu(small, 0, 255);
    cv::randu(big, 0, 255);
    for (int i = 0;; ++i) write_image_atomically(i % 2 ? big : small, path, OutputOptions{});
}

/// A forked child that is killed and reaped however the test ends, so a
/// failed assertion never leaves it running.
struct KilledOnExit {
    pid_t pid;
    ~KilledOnExit() {
        if (pid <= 0) return;
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
};

TEST(WriteImage, ReaderNeverSeesAPartialFile) {
    TempDir dir;
    const std::string out = dir / "busy.png";
    KilledOnExit writer{::fork()};
    ASSERT_GE(writer.pid, 0);
    if (writer.pid == 0) keep_rewriting(out);

    int complete = 0;
    for (int i = 0; i < 1000 && complete < 30; ++i) {
        const std::string bytes = test_util::read_bytes(out);  // empty while not yet created
        if (bytes.empty()) {
            ::usleep(2000);
            continue;
        }
        const cv::Mat image = cv::imdecode(std::vector<uchar>(bytes.begin(), bytes.end()), cv::IMREAD_UNCHANGED);
        ASSERT_FALSE(image.empty()) << "a partial file was visible after " << complete << " complete reads";
        EXPECT_TRUE(image.cols == 400 || image.cols == 800);
        ++complete;
    }
    ::kill(writer.pid, SIGKILL);  // most likely mid-write: the target must stay whole
    ::waitpid(writer.pid, nullptr, 0);
    writer.pid = 0;
    EXPECT_GE(complete, 5);
    EXPECT_FALSE(cv::imread(out, cv::IMREAD_UNCHANGED).empty());
}

}  // namespace
}  // namespace pixpool
