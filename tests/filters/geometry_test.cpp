/// Geometry filters: sizes, aspect ratios and exact round trips.

#include "pixpool/filters.hpp"
#include "test_images.hpp"

#include <opencv2/imgproc.hpp>

#include <gtest/gtest.h>

namespace pf = pixpool::filters;
using pf::testing::max_difference;

namespace {

cv::Mat run(const std::string& spec, const cv::Mat& image) { return pf::parse_step(spec).apply(image); }

/// A 300x200 photo-like image: not square, so swapped axes show.
cv::Mat landscape() { return pf::testing::synthetic_photo(cv::Size(300, 200)); }

std::string error_of(const std::string& spec, const cv::Mat& image) {
    try {
        run(spec, image);
    } catch (const pf::FilterError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST(Flip, TwiceIsIdentity) {
    const cv::Mat image = landscape();
    for (const char* axis : {"horizontal", "vertical", "both"}) {
        const std::string spec = std::string("flip:axis=") + axis;
        const cv::Mat once = run(spec, image);
        EXPECT_GT(max_difference(once, image), 0.0) << axis;
        EXPECT_EQ(max_difference(run(spec, once), image), 0.0) << axis;
    }
    EXPECT_EQ(run("flip", image).at<cv::Vec3b>(0, 0), image.at<cv::Vec3b>(0, 299));
}

TEST(Rotate, FourQuarterTurnsAreIdentity) {
    const cv::Mat image = pf::testing::as_type(landscape(), CV_16U, 4);
    cv::Mat out = image;
    for (int i = 0; i < 4; ++i) {
        out = run("rotate:angle=90", out);
        EXPECT_EQ(out.size(), i % 2 == 0 ? cv::Size(200, 300) : cv::Size(300, 200));
    }
    EXPECT_EQ(max_difference(out, image), 0.0);
    EXPECT_EQ(max_difference(run("rotate:angle=-90", run("rotate:angle=90", image)), image), 0.0);
    EXPECT_EQ(max_difference(run("rotate:angle=180", run("rotate:angle=180", image)), image), 0.0);
}

TEST(Rotate, NinetyIsClockwise) {
    const cv::Mat image = landscape();
    // Clockwise: the bottom-left corner comes to the top left.
    EXPECT_EQ(run("rotate:angle=90", image).at<cv::Vec3b>(0, 0), image.at<cv::Vec3b>(199, 0));
}

TEST(Rotate, AnyAngleFillsAndExpands) {
    const cv::Mat image = landscape();
    const cv::Mat same = run("rotate:angle=45,fill=white", image);
    EXPECT_EQ(same.size(), image.size());
    EXPECT_EQ(same.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
    const cv::Mat grown = run("rotate:angle=45,expand=true", image);
    EXPECT_NEAR(grown.cols, (300 + 200) / std::sqrt(2.0), 2);
    EXPECT_NEAR(grown.rows, (300 + 200) / std::sqrt(2.0), 2);
    // the centre pixel stays where it was
    EXPECT_LE(cv::norm(same.at<cv::Vec3b>(100, 150), image.at<cv::Vec3b>(100, 150), cv::NORM_INF), 40);
    const cv::Mat clear = run("rotate:angle=30,fill=transparent", pf::testing::as_type(image, CV_8U, 4));
    EXPECT_EQ(clear.at<cv::Vec4b>(0, 0)[3], 0);
}

TEST(Resize, GivesAskedSizeAndAspect) {
    const cv::Mat image = landscape();
    EXPECT_EQ(run("resize:width=150", image).size(), cv::Size(150, 100));
    EXPECT_EQ(run("resize:height=50", image).size(), cv::Size(75, 50));
    EXPECT_EQ(run("resize:scale=0.5", image).size(), cv::Size(150, 100));
    EXPECT_EQ(run("resize:width=100,height=100", image).size(), cv::Size(100, 67));
    EXPECT_EQ(run("resize:width=100,height=100,fit=cover", image).size(), cv::Size(100, 100));
    EXPECT_EQ(run("resize:width=100,height=100,fit=fill", image).size(), cv::Size(100, 100));
    for (const char* interpolation : {"nearest", "linear", "cubic", "area", "lanczos"})
        EXPECT_EQ(run(std::string("resize:width=120,interpolation=") + interpolation, image).size(),
                  cv::Size(120, 80));
}

TEST(Resize, NeverUpscalesUnlessAsked) {
    const cv::Mat image = landscape();
    EXPECT_EQ(run("resize:width=600", image).size(), image.size());
    EXPECT_EQ(run("resize:width=600,upscale=true", image).size(), cv::Size(600, 400));
    EXPECT_EQ(run("resize:width=400,height=400,fit=cover", image).size(), cv::Size(300, 200));
    EXPECT_EQ(run("resize:width=400,height=100,fit=fill", image).size(), cv::Size(300, 100));
}

TEST(Resize, KeepsTheMeanWhenShrinking) {
    const cv::Mat image = pf::testing::sample_photo();
    const cv::Scalar before = cv::mean(image), after = cv::mean(run("resize:scale=0.25", image));
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(before[c], after[c], 1.0);
}

TEST(Resize, NeedsASize) {
    EXPECT_THROW(pf::parse_step("resize"), pf::FilterError);
    EXPECT_THROW(pf::parse_step("resize:scale=2,width=3"), pf::FilterError);
}

TEST(Crop, RectangleAndGravity) {
    const cv::Mat image = landscape();
    const cv::Mat corner = run("crop:x=10,y=20,width=30,height=40", image);
    ASSERT_EQ(corner.size(), cv::Size(30, 40));
    EXPECT_EQ(max_difference(corner, image(cv::Rect(10, 20, 30, 40))), 0.0);
    EXPECT_EQ(max_difference(run("crop:width=100,height=50,gravity=center", image), image(cv::Rect(100, 75, 100, 50))),
              0.0);
    EXPECT_EQ(max_difference(run("crop:width=100,height=50,gravity=southeast", image),
                             image(cv::Rect(200, 150, 100, 50))), 0.0);
    EXPECT_EQ(run("crop:x=250,width=100", image).size(), cv::Size(50, 200));  // clipped to the image
    EXPECT_NE(error_of("crop:x=400", image).find("outside the 300x200 image"), std::string::npos);
    EXPECT_THROW(pf::parse_step("crop"), pf::FilterError);
    EXPECT_THROW(pf::parse_step("crop:x=1,gravity=north"), pf::FilterError);
}

TEST(AutoOrient, UndoesEachExifOrientation) {
    const cv::Mat upright = landscape();
    // What a camera stores for each orientation, built from the upright image.
    auto stored = [&](int orientation) {
        cv::Mat out;
        switch (orientation) {
            case 2: cv::flip(upright, out, 1); break;
            case 3: cv::rotate(upright, out, cv::ROTATE_180); break;
            case 4: cv::flip(upright, out, 0); break;
            case 5: cv::transpose(upright, out); break;
            case 6: cv::rotate(upright, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
            case 7: cv::transpose(upright, out), cv::flip(out, out, -1); break;
            case 8: cv::rotate(upright, out, cv::ROTATE_90_CLOCKWISE); break;
            default: out = upright;
        }
        return out;
    };
    for (int orientation = 1; orientation <= 8; ++orientation) {
        const cv::Mat out = run("auto_orient:orientation=" + std::to_string(orientation), stored(orientation));
        ASSERT_EQ(out.size(), upright.size()) << orientation;
        EXPECT_EQ(max_difference(out, upright), 0.0) << orientation;
    }
}

TEST(Pad, AddsBordersWithFill) {
    const cv::Mat image = landscape();
    const cv::Mat out = run("pad:all=5,left=10,fill=white", image);
    ASSERT_EQ(out.size(), cv::Size(315, 210));
    EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
    EXPECT_EQ(max_difference(out(cv::Rect(10, 5, 300, 200)), image), 0.0);
    const cv::Mat reflected = run("pad:all=4,mode=replicate", image);
    EXPECT_EQ(reflected.at<cv::Vec3b>(0, 0), image.at<cv::Vec3b>(0, 0));
    const cv::Mat clear = run("pad:all=2,fill=transparent", pf::testing::as_type(image, CV_16U, 4));
    EXPECT_EQ(clear.at<cv::Vec4w>(0, 0)[3], 0);
}
