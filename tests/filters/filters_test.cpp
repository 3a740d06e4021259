/// Invariants of each filter: types kept, alpha carried and not darkening
/// edges, means kept by blurs, and each filter's own reference.

#include "pixpool/filters.hpp"
#include "test_images.hpp"

#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

#include <map>

namespace pf = pixpool::filters;
using pf::testing::as_type;
using pf::testing::max_difference;

namespace {

cv::Mat run(const std::string& spec, const cv::Mat& image) { return pf::parse_step(spec).apply(image); }

/// A spec that exercises each filter (its defaults, unless it needs arguments).
std::string example_spec(const pf::Filter& filter) {
    static const std::map<std::string, std::string> examples = {
        {"gaussian_blur", "gaussian_blur:sigma=15"},
        {"resize", "resize:width=50"},
        {"crop", "crop:width=40,height=30,gravity=center"},
        {"rotate", "rotate:angle=30"},
        {"pixelate", "pixelate:block=6,x=10,y=5,width=40"},
        {"pad", "pad:all=3,left=5,fill=transparent"},
        {"auto_orient", "auto_orient:orientation=6"},
        {"denoise", "denoise:search=11"},
    };
    auto it = examples.find(filter.name);
    return it == examples.end() ? filter.name : it->second;
}

/// Channels a filter gives for an input with `channels` (most keep them).
int expected_channels(const std::string& name, int channels) {
    if (name == "grayscale") return channels == 4 ? 4 : 1;
    if (name == "canny" || name == "sobel" || name == "laplacian" || name == "threshold") return 1;
    if (name == "sepia" && channels == 1) return 3;
    return channels;
}

/// Left half opaque white, right half fully transparent black.
cv::Mat white_on_transparent(int depth) {
    cv::Mat image(64, 64, CV_8UC4, cv::Scalar(0, 0, 0, 0));
    image(cv::Rect(0, 0, 32, 64)).setTo(cv::Scalar(255, 255, 255, 255));
    if (depth == CV_16U) image.convertTo(image, CV_16U, 257.0);
    return image;
}

}  // namespace

/// Every filter takes 8/16-bit with 1, 3 or 4 channels, keeps the depth and
/// the alpha channel, or refuses with a FilterError that says so.
TEST(AllFilters, TakeEveryDepthAndChannelCount) {
    const cv::Mat photo = pf::testing::synthetic_photo(cv::Size(96, 64));
    for (const auto& filter : pf::registry()) {
        const pf::Step step = pf::parse_step(example_spec(filter));
        for (int depth : {CV_8U, CV_16U}) {
            for (int channels : {1, 3, 4}) {
                const cv::Mat input = as_type(photo, depth, channels);
                SCOPED_TRACE(step.text() + " on " + std::to_string(depth) + "/" + std::to_string(channels));
                cv::Mat out;
                try {
                    out = step.apply(input);
                } catch (const pf::FilterError& e) {
                    ADD_FAILURE() << "refused: " << e.what();
                    continue;
                }
                ASSERT_FALSE(out.empty());
                EXPECT_EQ(out.depth(), depth);
                EXPECT_EQ(out.channels(), expected_channels(filter.name, channels));
            }
        }
    }
}

/// Degenerate sizes must not crash or throw anything but a FilterError.
TEST(AllFilters, TakeTinyImages) {
    for (const auto& filter : pf::registry()) {
        for (const std::string& spec : {example_spec(filter), std::string("gaussian_blur:sigma=40")}) {
            const pf::Step step = pf::parse_step(spec);
            for (const cv::Size size : {cv::Size(1, 1), cv::Size(3, 2), cv::Size(1, 17)}) {
                for (int channels : {1, 4}) {
                    const cv::Mat input(size, CV_8UC(channels), cv::Scalar::all(200));
                    try {
                        EXPECT_FALSE(step.apply(input).empty()) << spec << " " << size;
                    } catch (const pf::FilterError& e) {
                        EXPECT_EQ(std::string(e.what()).rfind(step.filter->name + ": ", 0), 0u) << e.what();
                    }
                }
            }
        }
    }
}

TEST(AllFilters, RefuseUnsupportedTypes) {
    const cv::Mat floats(8, 8, CV_32FC3, cv::Scalar(0.5, 0.5, 0.5));
    const cv::Mat two_channels(8, 8, CV_8UC2, cv::Scalar(1, 2));
    for (const auto& filter : pf::registry()) {
        const pf::Step step = pf::parse_step(example_spec(filter));
        for (const cv::Mat& bad : {floats, two_channels, cv::Mat()}) {
            try {
                step.apply(bad);
                ADD_FAILURE() << filter.name << " accepted type " << bad.type();
            } catch (const pf::FilterError& e) {
                EXPECT_EQ(std::string(e.what()).rfind(filter.name + ": ", 0), 0u) << e.what();
            }
        }
    }
}

TEST(Blurs, KeepTheMean) {
    const cv::Mat photo = pf::testing::sample_photo();
    for (const char* spec : {"gaussian_blur:sigma=3", "gaussian_blur:sigma=30", "box_blur:size=9",
                             "motion_blur:length=21,angle=30", "pixelate:block=16"}) {
        const cv::Scalar before = cv::mean(photo), after = cv::mean(run(spec, photo));
        for (int c = 0; c < 3; ++c) EXPECT_NEAR(before[c], after[c], 1.0) << spec << " channel " << c;
    }
}

TEST(Blurs, AlphaEdgesAreNotDarkened) {
    for (int depth : {CV_8U, CV_16U}) {
        const double full = depth == CV_8U ? 255 : 65535;
        for (const char* spec : {"gaussian_blur:sigma=4", "gaussian_blur:sigma=20", "box_blur:size=9",
                                 "median_blur:size=5", "motion_blur:length=9", "resize:width=23",
                                 "rotate:angle=10,fill=transparent", "pixelate:block=5"}) {
            const cv::Mat out = run(spec, white_on_transparent(depth));
            ASSERT_EQ(out.type(), CV_MAKETYPE(depth, 4)) << spec;
            std::vector<cv::Mat> channels;
            cv::split(out, channels);
            cv::Mat visible = channels[3] > full * 0.02;
            if (depth == CV_16U) visible.convertTo(visible, CV_8U);
            double darkest = 0;
            cv::minMaxLoc(channels[0], &darkest, nullptr, nullptr, nullptr, visible);
            EXPECT_GE(darkest, full * 0.97) << spec;
            // A median picks existing values, so only the linear blurs make partial alpha.
            if (std::string(spec).rfind("median", 0) != 0) {
                EXPECT_GT(cv::countNonZero((channels[3] < full * 0.98) & (channels[3] > full * 0.02)), 0)
                    << spec << " should blur alpha";
            }
        }
    }
}

TEST(BoxBlur, MatchesOpenCV) {
    const cv::Mat photo = pf::testing::sample_photo();
    cv::Mat expected;
    cv::blur(photo, expected, cv::Size(7, 7), cv::Point(-1, -1), cv::BORDER_REFLECT_101);
    EXPECT_EQ(max_difference(run("box_blur:size=7", photo), expected), 0.0);
}

TEST(MedianBlur, RemovesSaltAndPepper) {
    cv::Mat flat(40, 40, CV_8UC1, cv::Scalar(100));
    flat.at<uchar>(10, 10) = 255;
    flat.at<uchar>(20, 30) = 0;
    EXPECT_EQ(max_difference(run("median_blur:size=3", flat), cv::Mat(40, 40, CV_8UC1, cv::Scalar(100))), 0.0);
}

TEST(MedianBlur, SixteenBitLargeSizeIsRefused) {
    const cv::Mat image(16, 16, CV_16UC1, cv::Scalar(1000));
    EXPECT_NO_THROW(run("median_blur:size=5", image));
    try {
        run("median_blur:size=7", image);
        FAIL() << "size 7 on 16-bit accepted";
    } catch (const pf::FilterError& e) {
        EXPECT_NE(std::string(e.what()).find("16-bit"), std::string::npos) << e.what();
    }
}

TEST(Sharpen, RaisesEdgeContrastAndZeroAmountIsIdentity) {
    cv::Mat step(32, 32, CV_8UC1, cv::Scalar(80));
    step(cv::Rect(16, 0, 16, 32)).setTo(160);
    const cv::Mat out = run("sharpen:sigma=2,amount=1", step);
    EXPECT_LT(out.at<uchar>(5, 15), 80);
    EXPECT_GT(out.at<uchar>(5, 16), 160);
    EXPECT_EQ(max_difference(run("sharpen:amount=0", step), step), 0.0);
    // threshold above the edge height leaves the image alone
    EXPECT_EQ(max_difference(run("sharpen:sigma=2,threshold=200", step), step), 0.0);
}

TEST(Sharpen, KeepsAlphaAnd16Bit) {
    const cv::Mat image = as_type(pf::testing::synthetic_photo(cv::Size(64, 48)), CV_16U, 4);
    const cv::Mat out = run("sharpen", image);
    ASSERT_EQ(out.type(), CV_16UC4);
    cv::Mat alpha_in, alpha_out;
    cv::extractChannel(image, alpha_in, 3);
    cv::extractChannel(out, alpha_out, 3);
    EXPECT_EQ(max_difference(alpha_in, alpha_out), 0.0);
}

TEST(Grayscale, GivesOneChannelMatchingCvtColor) {
    const cv::Mat photo = pf::testing::sample_photo();
    const cv::Mat out = run("grayscale", photo);
    ASSERT_EQ(out.type(), CV_8UC1);
    cv::Mat expected;
    cv::cvtColor(photo, expected, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(max_difference(out, expected), 0.0);
}

TEST(Grayscale, AlphaKeptOrDropped) {
    const cv::Mat image = as_type(pf::testing::sample_photo(), CV_8U, 4);
    const cv::Mat kept = run("grayscale", image);
    ASSERT_EQ(kept.type(), CV_8UC4);
    std::vector<cv::Mat> channels;
    cv::split(kept, channels);
    EXPECT_EQ(max_difference(channels[0], channels[2]), 0.0);
    cv::Mat alpha;
    cv::extractChannel(image, alpha, 3);
    EXPECT_EQ(max_difference(channels[3], alpha), 0.0);
    EXPECT_EQ(run("grayscale:alpha=drop", image).type(), CV_8UC1);
}
