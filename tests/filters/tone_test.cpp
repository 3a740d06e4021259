/// Tone, colour, edge and noise filters against their defining formula or invariant.

#include "pixpool/filters.hpp"
#include "test_images.hpp"

#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

namespace pf = pixpool::filters;
using pf::testing::as_type;
using pf::testing::max_difference;

namespace {

cv::Mat run(const std::string& spec, const cv::Mat& image) { return pf::parse_step(spec).apply(image); }

cv::Mat alpha_of(const cv::Mat& image) {
    cv::Mat alpha;
    cv::extractChannel(image, alpha, 3);
    return alpha;
}

}  // namespace

TEST(Tone, NeutralSettingsAreIdentity) {
    const cv::Mat image = as_type(pf::testing::sample_photo(), CV_16U, 4);
    for (const char* spec : {"brightness_contrast", "gamma", "saturation", "sepia:amount=0", "emboss:strength=0"}) {
        EXPECT_LE(max_difference(run(spec, image), image), 1.0) << spec;
    }
}

TEST(Tone, ColourFiltersKeepAlpha) {
    const cv::Mat image = as_type(pf::testing::sample_photo(), CV_8U, 4);
    for (const char* spec : {"brightness_contrast:brightness=0.2", "gamma:gamma=2", "invert", "sepia", "equalize",
                             "equalize:method=clahe", "saturation:amount=2", "normalize:clip=1", "emboss",
                             "bilateral", "sharpen"}) {
        const cv::Mat out = run(spec, image);
        ASSERT_EQ(out.type(), CV_8UC4) << spec;
        EXPECT_EQ(max_difference(alpha_of(out), alpha_of(image)), 0.0) << spec;
    }
}

TEST(Invert, TwiceIsIdentityAndMatchesFormula) {
    const cv::Mat image = as_type(pf::testing::sample_photo(), CV_16U, 3);
    const cv::Mat once = run("invert", image);
    EXPECT_EQ(once.at<cv::Vec3w>(10, 10)[1], 65535 - image.at<cv::Vec3w>(10, 10)[1]);
    EXPECT_EQ(max_difference(run("invert", once), image), 0.0);
}

TEST(BrightnessContrast, MatchesFormula) {
    const cv::Mat image = pf::testing::sample_photo();
    const cv::Mat out = run("brightness_contrast:brightness=0.1,contrast=1.5", image);
    const double v = image.at<cv::Vec3b>(50, 60)[2] / 255.0;
    EXPECT_NEAR(out.at<cv::Vec3b>(50, 60)[2], cv::saturate_cast<uchar>(((v - 0.5) * 1.5 + 0.6) * 255), 0);
}

TEST(Gamma, BrightensMidTonesKeepsEnds) {
    cv::Mat ramp(1, 256, CV_8UC1);
    for (int v = 0; v < 256; ++v) ramp.at<uchar>(v) = static_cast<uchar>(v);
    const cv::Mat out = run("gamma:gamma=2.2", ramp);
    EXPECT_EQ(out.at<uchar>(0), 0);
    EXPECT_EQ(out.at<uchar>(255), 255);
    EXPECT_GT(out.at<uchar>(128), 128 + 40);
}

TEST(Saturation, ZeroIsGrayAndLumaIsKept) {
    const cv::Mat image = pf::testing::sample_photo();
    const cv::Mat gray = run("saturation:amount=0", image);
    std::vector<cv::Mat> channels;
    cv::split(gray, channels);
    EXPECT_LE(max_difference(channels[0], channels[2]), 1.0);
    cv::Mat luma_before, luma_after;
    cv::cvtColor(image, luma_before, cv::COLOR_BGR2GRAY);
    cv::cvtColor(gray, luma_after, cv::COLOR_BGR2GRAY);
    EXPECT_LE(max_difference(luma_before, luma_after), 2.0);
}

TEST(Sepia, GrayBecomesWarmColour) {
    const cv::Mat gray(8, 8, CV_8UC1, cv::Scalar(128));
    const cv::Mat out = run("sepia", gray);
    ASSERT_EQ(out.type(), CV_8UC3);
    const cv::Vec3b pixel = out.at<cv::Vec3b>(0, 0);
    EXPECT_GT(pixel[2], pixel[1]);  // red > green > blue
    EXPECT_GT(pixel[1], pixel[0]);
}

TEST(Equalize, SpreadsANarrowHistogram) {
    for (int depth : {CV_8U, CV_16U}) {
        cv::Mat narrow(64, 64, CV_8UC1);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) narrow.at<uchar>(y, x) = static_cast<uchar>(100 + (x + y) % 40);
        if (depth == CV_16U) narrow.convertTo(narrow, CV_16U, 257.0);
        const double full = depth == CV_8U ? 255 : 65535;
        double low = 0, high = 0;
        cv::minMaxLoc(run("equalize", narrow), &low, &high);
        EXPECT_GT(high - low, full * 0.9) << "histogram, depth " << depth;
        // CLAHE limits the gain (clip_limit), so it spreads less than global equalisation.
        cv::minMaxLoc(run("equalize:method=clahe", narrow), &low, &high);
        EXPECT_GT(high - low, full * 40 / 255 * 1.5) << "clahe, depth " << depth;
    }
}

TEST(Normalize, StretchesToFullRange) {
    cv::Mat dull;
    pf::testing::sample_photo().convertTo(dull, CV_8U, 0.5, 60);
    double low = 0, high = 0;
    cv::minMaxLoc(run("normalize", dull).reshape(1), &low, &high);
    EXPECT_EQ(low, 0);
    EXPECT_EQ(high, 255);
}

TEST(Threshold, GivesTwoLevels) {
    const cv::Mat image = as_type(pf::testing::sample_photo(), CV_16U, 3);
    for (const char* spec : {"threshold", "threshold:method=otsu", "threshold:method=adaptive,invert=true"}) {
        const cv::Mat out = run(spec, image);
        ASSERT_EQ(out.type(), CV_16UC1) << spec;
        const int black = cv::countNonZero(out == 0), white = cv::countNonZero(out == 65535);
        EXPECT_EQ(black + white, out.rows * out.cols) << spec;
        EXPECT_GT(black, 0) << spec;
        EXPECT_GT(white, 0) << spec;
    }
}

TEST(Edges, FlatImageHasNoEdgesAndStepHasSome) {
    cv::Mat flat(32, 32, CV_8UC3, cv::Scalar(90, 90, 90));
    cv::Mat step = flat.clone();
    step(cv::Rect(16, 0, 16, 32)).setTo(cv::Scalar(200, 200, 200));
    for (const char* spec : {"canny", "sobel", "laplacian"}) {
        EXPECT_EQ(cv::countNonZero(run(spec, flat)), 0) << spec;
        const cv::Mat edges = run(spec, step);
        EXPECT_GT(cv::countNonZero(edges.col(15) | edges.col(16)), 16) << spec;
        EXPECT_EQ(cv::countNonZero(edges.col(4)), 0) << spec;
    }
    EXPECT_EQ(cv::countNonZero(run("sobel:direction=y", step)), 0);
}

TEST(Emboss, FlatAreasKeepTheirColour) {
    const cv::Mat flat(16, 16, CV_8UC3, cv::Scalar(10, 100, 200));
    EXPECT_EQ(max_difference(run("emboss:strength=2", flat), flat), 0.0);
}

TEST(Bilateral, SmoothsNoiseKeepsEdge) {
    cv::Mat image(64, 64, CV_8UC1, cv::Scalar(60));
    image(cv::Rect(32, 0, 32, 64)).setTo(200);
    cv::Mat noise(image.size(), CV_8UC1);
    cv::randu(noise, 0, 20);
    image += noise;
    const cv::Mat out = run("bilateral:sigma_color=30", image);
    cv::Scalar mean_in, std_in, mean_out, std_out;
    cv::meanStdDev(image(cv::Rect(4, 4, 20, 56)), mean_in, std_in);
    cv::meanStdDev(out(cv::Rect(4, 4, 20, 56)), mean_out, std_out);
    EXPECT_LT(std_out[0], std_in[0] * 0.6);
    EXPECT_GT(out.at<uchar>(30, 34) - out.at<uchar>(30, 29), 100);
}

TEST(Denoise, ReducesNoise) {
    for (int depth : {CV_8U, CV_16U}) {
        cv::Mat clean(48, 48, CV_8UC3, cv::Scalar(100, 120, 140)), noise(clean.size(), CV_8UC3), noisy;
        cv::randn(noise, 0, 12);
        cv::add(clean, noise, noisy, cv::noArray(), CV_8U);
        if (depth == CV_16U) noisy.convertTo(noisy, CV_16U, 257.0), clean.convertTo(clean, CV_16U, 257.0);
        const cv::Mat out = run("denoise:strength=15,search=11", noisy);
        EXPECT_LT(cv::norm(out, clean), cv::norm(noisy, clean) * 0.7) << depth;
    }
}

TEST(Pixelate, BlocksAreFlatAndRegionLimited) {
    const cv::Mat image = pf::testing::sample_photo();
    const cv::Mat out = run("pixelate:block=8,x=16,y=16,width=64,height=32", image);
    cv::Scalar mean, deviation;
    cv::meanStdDev(out(cv::Rect(24, 24, 8, 8)), mean, deviation);
    EXPECT_EQ(deviation[0], 0.0);
    EXPECT_EQ(max_difference(out(cv::Rect(100, 100, 50, 50)), image(cv::Rect(100, 100, 50, 50))), 0.0);
}

TEST(MotionBlur, HorizontalBlurLeavesVerticalStructure) {
    cv::Mat stripes(40, 40, CV_8UC1, cv::Scalar(0));
    for (int y = 0; y < 40; y += 4) stripes.row(y).setTo(255);  // horizontal lines
    EXPECT_EQ(max_difference(run("motion_blur:length=9,angle=0", stripes), stripes), 0.0);
    EXPECT_GT(max_difference(run("motion_blur:length=9,angle=90", stripes), stripes), 100.0);
}
