// Shrink-on-load planned from the chain: what the codec is asked for, and
// that the shrunk decode plus the rewritten chain ends at the full decode's
// size and within 40 dB of its pixels.

#include "codecs/codecs.hpp"
#include "shrink_on_load.hpp"
#include "test_util.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace pixpool::detail {
namespace {

using filters::Chain;

TEST(ShrinkPlan, OnlyAChainThatBeginsWithAnAreaResizeIsPlanned) {
    EXPECT_FALSE(plan_shrink_on_load(Chain::parse({}), true));
    EXPECT_FALSE(plan_shrink_on_load(Chain::parse({"gaussian_blur:sigma=2", "resize:width=100"}), true));
    EXPECT_FALSE(plan_shrink_on_load(Chain::parse({"resize:width=100,interpolation=cubic"}), true));
    EXPECT_TRUE(plan_shrink_on_load(Chain::parse({"resize:width=100"}), true));
    EXPECT_TRUE(plan_shrink_on_load(Chain::parse({"resize:scale=0.25,interpolation=area"}), true));
}

TEST(ShrinkPlan, AsksForTwiceTheResizesTargetAsStored) {
    const SmallestSize smallest = plan_shrink_on_load(Chain::parse({"resize:width=800,height=800"}), true);
    EXPECT_EQ(smallest({4000, 3000}, 1), cv::Size(1600, 1200));
    // Stored sideways (orientation 6): upright it is 3000x4000, fits as 600x800.
    EXPECT_EQ(smallest({4000, 3000}, 6), cv::Size(1600, 1200));
    // Stored 3000x4000 sideways: upright 4000x3000, to 800x600; as stored 1200x1600.
    EXPECT_EQ(plan_shrink_on_load(Chain::parse({"resize:width=800"}), true)({3000, 4000}, 6), cv::Size(1200, 1600));
    // Without auto-orient the image stays as stored: 3000 wide, to 800x1067.
    EXPECT_EQ(plan_shrink_on_load(Chain::parse({"resize:width=800"}), false)({3000, 4000}, 6), cv::Size(1600, 2134));
    // No downscale (never enlarging): decode it all.
    EXPECT_EQ(smallest({640, 480}, 1), cv::Size(640, 480));
}

DecodeRequest request(const std::string& bytes, SmallestSize smallest = {}) {
    DecodeRequest r;
    r.bytes = bytes;
    r.path = "photo.jpg";
    r.smallest = std::move(smallest);
    return r;
}

cv::Mat run(const Chain& chain, const cv::Mat& image) { return chain.apply(image); }

/// A photo-sized JPEG from a real photograph (astronaut.jpg, enlarged with
/// faint grain), at a size that DCT scaling does not divide evenly.
std::string odd_sized_photo() {
    cv::Mat photo = cv::imread(test_util::sample("astronaut.jpg"), cv::IMREAD_COLOR);
    cv::resize(photo, photo, {2401, 1799}, 0, 0, cv::INTER_CUBIC);
    cv::Mat grain(photo.size(), CV_16SC3);
    cv::RNG(5).fill(grain, cv::RNG::NORMAL, 0, 3);
    cv::add(photo, grain, photo, cv::noArray(), CV_8UC3);
    std::vector<uchar> bytes;
    cv::imencode(".jpg", photo, bytes, {cv::IMWRITE_JPEG_QUALITY, 90});
    return std::string(bytes.begin(), bytes.end());
}

TEST(ShrinkOnLoad, EndsAtTheFullDecodesSizeWithin40Db) {
    const std::string jpeg = odd_sized_photo();
    const cv::Mat full = decode_any(request(jpeg)).pixels;
    for (const char* resize : {"resize:width=500", "resize:width=300,height=300", "resize:scale=0.1",
                               "resize:width=200,height=200,fit=cover", "resize:width=500,height=100,fit=fill"}) {
        const Chain chain = Chain::parse({resize, "grayscale"});
        const DecodedImage shrunk = decode_any(request(jpeg, plan_shrink_on_load(chain, true)));
        EXPECT_LT(shrunk.pixels.cols, full.cols) << resize;
        const ChainStart start = finish_shrink_on_load(chain, shrunk.pixels, shrunk.stored, shrunk.scale, 1);
        const cv::Mat fast = run(start.rest, start.image);
        const cv::Mat exact = run(chain, full);
        ASSERT_EQ(fast.size(), exact.size()) << resize;
        EXPECT_GE(cv::PSNR(fast, exact), 40) << resize;
    }
}

TEST(ShrinkOnLoad, AChainThatWasNotShrunkIsRunAsItIs) {
    const Chain chain = Chain::parse({"resize:width=80", "invert"});
    const cv::Mat image(48, 64, CV_8UC3, cv::Scalar(1, 2, 3));
    const ChainStart start = finish_shrink_on_load(chain, image, image.size(), {1, 1}, 1);
    EXPECT_EQ(start.rest.text(), chain.text());
    EXPECT_EQ(start.image.data, image.data);
}

TEST(ShrinkOnLoad, TheResizeIsDoneAndTheRestOfTheChainIsLeft) {
    const Chain chain = Chain::parse({"resize:width=80", "invert"});
    const cv::Mat image(120, 160, CV_8UC3, cv::Scalar(1, 2, 3));
    const ChainStart start = finish_shrink_on_load(chain, image, {640, 480}, {0.25, 0.25}, 1);
    EXPECT_EQ(start.image.size(), cv::Size(80, 60));
    EXPECT_EQ(start.rest.text(), Chain::parse({"invert"}).text());
}

}  // namespace
}  // namespace pixpool::detail
