/// One file through the whole job: read, filter chain, atomic write.

#include "test_util.hpp"

#include <pixpool/image_job.hpp>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace pixpool {
namespace {

namespace fs = std::filesystem;
using test_util::sample;
using test_util::TempDir;

std::string error_of(const ImageTask& task) {
    return test_util::error_of<ImageError>([&] { process_image(task, filters::Chain{}, OutputOptions{}); });
}

TEST(ProcessImage, WritesDecodableOutputOfTheSameSize) {
    TempDir dir;
    for (const char* name : {"coffee.jpg", "chelsea.png", "rocket.webp", "camera.png"}) {
        const cv::Mat input = cv::imread(sample(name), cv::IMREAD_UNCHANGED);
        const ImageTask task{sample(name), dir / (std::string("out/") + name)};
        const ImageOutcome outcome = process_image(task, filters::Chain{}, OutputOptions{});
        const cv::Mat output = cv::imread(task.output, cv::IMREAD_UNCHANGED);
        ASSERT_FALSE(output.empty()) << name;
        EXPECT_EQ(output.size(), input.size()) << name;
        EXPECT_EQ(output.channels(), input.channels()) << name;
        EXPECT_EQ(outcome.width, input.cols);
        EXPECT_EQ(outcome.height, input.rows);
        EXPECT_GT(outcome.decode_ms, 0) << name;
        EXPECT_GT(outcome.encode_ms, 0) << name;
        EXPECT_GE(outcome.filter_ms, 0) << name;
    }
}

TEST(ProcessImage, ConvertsFormatByOutputExtension) {
    TempDir dir;
    OutputOptions options;
    options.quality = 80;
    const ImageTask task{sample("chelsea.png"), dir / "chelsea.jpg"};
    process_image(task, filters::Chain{}, options);
    const std::string bytes = test_util::read_bytes(task.output);
    ASSERT_GE(bytes.size(), 3u);
    EXPECT_EQ(bytes.substr(0, 3), "\xff\xd8\xff");  // a JPEG, not a renamed PNG
}

TEST(ProcessImage, CorruptFileNamesTheFileAndWritesNothing) {
    TempDir dir;
    const ImageTask task{sample("corrupt.jpg"), dir / "corrupt.jpg"};
    EXPECT_EQ(error_of(task), task.input + ": cannot decode (Premature end of JPEG file)");
    EXPECT_FALSE(fs::exists(task.output));
}

TEST(ProcessImage, MissingInputAndFolderInput) {
    TempDir dir;
    EXPECT_EQ(error_of({dir / "none.png", dir / "o.png"}), dir / "none.png" + ": cannot read: No such file or directory");
    EXPECT_EQ(error_of({dir.path().string(), dir / "o.png"}), dir.path().string() + ": is a directory");
}

TEST(ProcessImage, RealChainChangesPixelsNotSize) {
    TempDir dir;
    const ImageTask task{sample("chelsea.png"), dir / "chelsea.png"};
    process_image(task, filters::Chain::parse({"invert"}), OutputOptions{});
    const cv::Mat input = cv::imread(task.input, cv::IMREAD_UNCHANGED);
    const cv::Mat output = cv::imread(task.output, cv::IMREAD_UNCHANGED);
    ASSERT_EQ(output.size(), input.size());
    cv::Mat expected;
    cv::bitwise_not(input, expected);
    EXPECT_EQ(cv::norm(expected, output, cv::NORM_INF), 0);  // PNG: lossless
}

TEST(ProcessImage, FilterErrorIsNamedAfterTheFile) {
    // A float PFM decodes to 32-bit float, which no filter takes.
    TempDir dir;
    const std::string input = dir / "float.pfm";
    ASSERT_TRUE(cv::imwrite(input, cv::Mat(4, 4, CV_32FC3, cv::Scalar::all(0.5))));
    const std::string message = test_util::error_of<ImageError>(
        [&] { process_image({input, dir / "o.png"}, filters::Chain::parse({"invert"}), OutputOptions{}); });
    EXPECT_EQ(message.rfind(input + ": invert: ", 0), 0u) << message;
    EXPECT_FALSE(fs::exists(dir / "o.png"));
}

}  // namespace
}  // namespace pixpool
