/// AVIF and HEIC carry metadata as JPEG does: an output gets the ICC profile
/// always, byte for byte, and the EXIF (orientation reset, thumbnail and
/// size tags dropped) and XMP with keep_metadata; a HEIC or AVIF input's
/// profile, EXIF and XMP reach its output the same way. Outputs are read
/// back with libheif itself and Exiv2's EXIF and XMP parsers, not through
/// pixpool; HEIF inputs are made by libheif's own heif-enc.

#include "metadata_fixtures.hpp"
#include "test_util.hpp"

#include "codecs/heif_encode.hpp"
#include "codecs/heif_handles.hpp"

#include <cstdlib>
#include <string>

namespace pixpool {
namespace {

using namespace metadata_test;
using test_util::TempDir;

/// What libheif finds in a HEIF file beside the pixels of its primary image.
struct HeifReadBack : ReadBack {
    int exif_blocks = 0;
};

HeifReadBack read_heif(const std::string& path) {
    using detail::Heif;
    HeifReadBack back;
    Heif<heif_context> context(heif_context_alloc());
    const heif_error read = heif_context_read_from_file(context.get(), path.c_str(), nullptr);
    EXPECT_EQ(read.code, heif_error_Ok) << path << ": " << read.message;
    if (read.code != heif_error_Ok) return back;
    heif_image_handle* raw = nullptr;
    EXPECT_EQ(heif_context_get_primary_image_handle(context.get(), &raw).code, heif_error_Ok) << path;
    Heif<heif_image_handle> handle(raw);
    if (heif_image_handle_get_color_profile_type(handle.get()) == heif_color_profile_type_prof) {
        back.icc.resize(heif_image_handle_get_raw_color_profile_size(handle.get()));
        EXPECT_EQ(heif_image_handle_get_raw_color_profile(handle.get(), back.icc.data()).code, heif_error_Ok);
    }
    heif_item_id ids[8];
    const int count = heif_image_handle_get_list_of_metadata_block_IDs(handle.get(), nullptr, ids, 8);
    for (int i = 0; i < count; ++i) {
        std::string data(heif_image_handle_get_metadata_size(handle.get(), ids[i]), '\0');
        EXPECT_EQ(heif_image_handle_get_metadata(handle.get(), ids[i], data.data()).code, heif_error_Ok);
        const std::string type = heif_image_handle_get_metadata_type(handle.get(), ids[i]);
        if (type == "Exif") {
            ++back.exif_blocks;
            // 4 bytes big endian: where the TIFF header starts, after them.
            std::size_t tiff = 4;
            for (int at = 0; at < 4 && at < int(data.size()); ++at)
                tiff += std::size_t(static_cast<unsigned char>(data[at])) << (24 - 8 * at);
            if (tiff >= data.size()) {
                ADD_FAILURE() << path << ": the EXIF block's TIFF header is past its end";
                continue;
            }
            Exiv2::ExifParser::decode(back.exif, reinterpret_cast<const Exiv2::byte*>(data.data() + tiff),
                                      static_cast<uint32_t>(data.size() - tiff));
        } else if (type == "mime") {
            EXPECT_EQ(Exiv2::XmpParser::decode(back.xmp, data), 0) << data;
        }
    }
    return back;
}

/// Makes `heif` (.heic or .avif) with the ICC profile `icc` and
/// make_input's EXIF and XMP: a JPEG made so, then libheif's heif-enc,
/// which takes its profile, EXIF and XMP along.
void make_heif_input(const std::string& heif, const std::string& icc) {
    const std::string jpeg = heif + ".jpg";
    make_input(jpeg, sideways_picture(), icc);
    const std::string command = "heif-enc -q 90 '" + jpeg + "' -o '" + heif + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command << " (Debian's libheif-examples)";
}

class HeifMetadata : public testing::TestWithParam<std::string> {
protected:
    /// Not a skip: Debian 12's libheif has both encoders, and pixpool offers both.
    void SetUp() override { ASSERT_TRUE(detail::can_encode_heif(GetParam())) << GetParam(); }
    std::string out(const TempDir& dir) const { return dir / ("out." + GetParam()); }
};

TEST_P(HeifMetadata, ByDefaultTheIccProfileIsKeptByteForByteAndTheExifIsNot) {
    TempDir dir;
    const std::string icc = make_icc_profile("RGB", "Display P3 (pixpool " + GetParam() + " test)");
    make_input(dir / "in.jpg", sideways_picture(), icc);
    ASSERT_EQ(read_back(dir / "in.jpg").exif_text("Exif.Image.Artist"), "Ada Lovelace");

    run(dir / "in.jpg", out(dir), OutputOptions{});
    const HeifReadBack back = read_heif(out(dir));
    EXPECT_EQ(back.icc, icc);
    EXPECT_EQ(back.exif_blocks, 0);
    EXPECT_TRUE(back.xmp.empty());
    EXPECT_TRUE(red_at_top_right(read_image(out(dir))));
}

TEST_P(HeifMetadata, KeepMetadataCarriesExifAndXmpUpright) {
    TempDir dir;
    const std::string icc = make_icc_profile("RGB", "Adobe RGB (pixpool " + GetParam() + " test)");
    make_input(dir / "in.jpg", sideways_picture(), icc);
    OutputOptions keep;
    keep.keep_metadata = true;
    run(dir / "in.jpg", out(dir), keep);

    const HeifReadBack back = read_heif(out(dir));
    EXPECT_EQ(back.icc, icc);
    EXPECT_EQ(back.exif_blocks, 1);
    EXPECT_EQ(back.exif_text("Exif.Image.Artist"), "Ada Lovelace");
    EXPECT_EQ(back.exif_text("Exif.Image.Orientation"), "1");
    EXPECT_EQ(back.exif_text("Exif.Photo.PixelXDimension"), "(none)");  // 40 no longer true
    EXPECT_EQ(back.exif_text("Exif.Thumbnail.JPEGInterchangeFormat"), "(none)");
    EXPECT_EQ(back.xmp_text("Xmp.dc.title"), std::string("lang=\"x-default\" ") + kTitle);
    EXPECT_EQ(back.xmp_text("Xmp.tiff.Orientation"), "1");
    EXPECT_TRUE(red_at_top_right(read_image(out(dir))));
}

/// libheif is given RGB even for a gray picture: an RGB profile fits it, a
/// GRAY one would not and is left out (the picture is still written).
TEST_P(HeifMetadata, GrayPicturesAreStoredAsRgbSoOnlyAnRgbProfileGoesOn) {
    TempDir dir;
    const std::string gray_icc = make_icc_profile("GRAY", "gray");
    make_input(dir / "gray.png", cv::Mat(16, 16, CV_8UC1, cv::Scalar(90)), gray_icc, false);
    run(dir / "gray.png", out(dir), OutputOptions{});
    EXPECT_EQ(read_heif(out(dir)).icc, "");
    EXPECT_NEAR(cv::mean(read_image(out(dir)))[0], 90, 3);

    const std::string rgb_icc = make_icc_profile("RGB", "rgb");
    make_input(dir / "rgb.jpg", sideways_picture(), rgb_icc, false);
    run(dir / "rgb.jpg", out(dir), OutputOptions{}, "grayscale");
    EXPECT_EQ(read_heif(out(dir)).icc, rgb_icc);
}

/// Exiv2 0.27 took a HEIF input for a QuickTime video: with keep_metadata
/// its output got no profile and made-up tags (Xmp.video.FileName "MemIo").
TEST_P(HeifMetadata, AHeifInputsProfileExifAndXmpReachAJpegOutput) {
    TempDir dir;
    const std::string icc = make_icc_profile("RGB", "from " + GetParam());
    const std::string in = dir / ("in." + GetParam());
    ASSERT_NO_FATAL_FAILURE(make_heif_input(in, icc));
    const HeifReadBack input = read_heif(in);
    ASSERT_EQ(input.icc, icc);  // the input is what the test means
    ASSERT_EQ(input.exif_text("Exif.Image.Artist"), "Ada Lovelace");
    ASSERT_EQ(input.exif_text("Exif.Image.Orientation"), "6");  // heif-enc copies it, the pixels stay as stored
    ASSERT_EQ(input.xmp_text("Xmp.dc.title"), std::string("lang=\"x-default\" ") + kTitle);

    run(in, dir / "default.jpg", OutputOptions{});
    const ReadBack plain = read_back(dir / "default.jpg");
    EXPECT_EQ(plain.icc, icc);
    EXPECT_TRUE(plain.exif.empty());
    EXPECT_TRUE(plain.xmp.empty());

    OutputOptions keep;
    keep.keep_metadata = true;
    for (const char* ext : {"jpg", "png", "webp", "tiff"}) {
        const std::string path = dir / (std::string("kept.") + ext);
        run(in, path, keep);
        const ReadBack back = read_back(path);
        EXPECT_EQ(back.icc, icc) << ext;
        EXPECT_EQ(back.exif_text("Exif.Image.Artist"), "Ada Lovelace") << ext;
        // A HEIF reader shows the pixels as libheif decodes them, and so
        // does the output: the orientation no longer applies.
        EXPECT_EQ(back.exif_text("Exif.Image.Orientation"), "1") << ext;
        EXPECT_EQ(back.exif_text("Exif.Thumbnail.JPEGInterchangeFormat"), "(none)") << ext;
        EXPECT_EQ(back.xmp_text("Xmp.dc.title"), std::string("lang=\"x-default\" ") + kTitle) << ext;
        EXPECT_EQ(back.xmp_text("Xmp.video.FileName"), "(none)") << ext;
        EXPECT_EQ(cv::imread(path).size(), cv::Size(40, 24)) << ext;
    }
}

/// What --in-place does to a HEIC or AVIF: it keeps all of it.
TEST_P(HeifMetadata, AHeifRewrittenAsItselfKeepsEverything) {
    TempDir dir;
    const std::string icc = make_icc_profile("RGB", "again " + GetParam());
    const std::string in = dir / ("in." + GetParam());
    ASSERT_NO_FATAL_FAILURE(make_heif_input(in, icc));
    OutputOptions keep;
    keep.keep_metadata = true;
    run(in, out(dir), keep, "invert");

    const HeifReadBack back = read_heif(out(dir));
    EXPECT_EQ(back.icc, icc);
    EXPECT_EQ(back.exif_text("Exif.Image.Artist"), "Ada Lovelace");
    EXPECT_EQ(back.exif_text("Exif.Image.Orientation"), "1");
    EXPECT_EQ(back.xmp_text("Xmp.dc.title"), std::string("lang=\"x-default\" ") + kTitle);
}

INSTANTIATE_TEST_SUITE_P(Formats, HeifMetadata, testing::Values("avif", "heic"));

}  // namespace
}  // namespace pixpool
