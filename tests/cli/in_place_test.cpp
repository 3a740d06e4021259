// --in-place keeps what the user's photo carries (issue 11): its EXIF, XMP
// and IPTC, and its own JPEG quality, so rewriting it in place neither
// strips the camera, date and copyright nor degrades or bloats it.
#include "cli_support.hpp"

#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <jpeglib.h>

#include <exiv2/exiv2.hpp>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include <array>
#include <cstdlib>
#include <vector>

using namespace cli_test;

namespace {

/// A photo written at JPEG quality `quality` (by libjpeg, through OpenCV)
/// with a camera model, a date and a copyright in its EXIF, a creator and
/// rights in its XMP, and a by-line and copyright in its IPTC.
void write_tagged_photo(const fs::path& path, int quality) {
    const cv::Mat photo = cv::imread((kSamples / "coffee.jpg").string());
    ASSERT_FALSE(photo.empty());
    ASSERT_TRUE(cv::imwrite(path.string(), photo, {cv::IMWRITE_JPEG_QUALITY, quality}));
    auto image = Exiv2::ImageFactory::open(path.string());
    image->readMetadata();
    image->exifData()["Exif.Image.Model"] = "Test Camera X100";
    image->exifData()["Exif.Photo.DateTimeOriginal"] = "2021:06:01 12:34:56";
    image->exifData()["Exif.Image.Copyright"] = "(c) Jane Doe";
    image->xmpData()["Xmp.dc.creator"] = "Jane Doe";
    image->xmpData()["Xmp.xmpRights.Owner"] = "Jane Doe Studio";
    image->iptcData()["Iptc.Application2.Byline"] = "Jane Doe";
    image->iptcData()["Iptc.Application2.Copyright"] = "(c) Jane Doe IPTC";
    image->writeMetadata();
}

struct Tags {
    std::string model, date, copyright, creator, owner, byline, iptc_copyright;
};

Tags read_tags(const fs::path& path) {
    auto image = Exiv2::ImageFactory::open(path.string());
    image->readMetadata();
    auto exif = [&](const char* key) {
        auto it = image->exifData().findKey(Exiv2::ExifKey(key));
        return it == image->exifData().end() ? std::string() : it->toString();
    };
    auto xmp = [&](const char* key) {
        auto it = image->xmpData().findKey(Exiv2::XmpKey(key));
        return it == image->xmpData().end() ? std::string() : it->toString();
    };
    auto iptc = [&](const char* key) {
        auto it = image->iptcData().findKey(Exiv2::IptcKey(key));
        return it == image->iptcData().end() ? std::string() : it->toString();
    };
    return {exif("Exif.Image.Model"),      exif("Exif.Photo.DateTimeOriginal"),
            exif("Exif.Image.Copyright"),  xmp("Xmp.dc.creator"),
            xmp("Xmp.xmpRights.Owner"),    iptc("Iptc.Application2.Byline"),
            iptc("Iptc.Application2.Copyright")};
}

void expect_all_tags(const fs::path& path) {
    const Tags tags = read_tags(path);
    EXPECT_EQ(tags.model, "Test Camera X100");
    EXPECT_EQ(tags.date, "2021:06:01 12:34:56");
    EXPECT_EQ(tags.copyright, "(c) Jane Doe");
    EXPECT_NE(tags.creator.find("Jane Doe"), std::string::npos) << tags.creator;
    EXPECT_NE(tags.owner.find("Jane Doe Studio"), std::string::npos) << tags.owner;
    EXPECT_EQ(tags.byline, "Jane Doe");
    EXPECT_EQ(tags.iptc_copyright, "(c) Jane Doe IPTC");
}

using Table = std::array<unsigned, 64>;

/// The luminance quantisation table of the JPEG file at `path`.
Table luminance_table(const fs::path& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) throw std::runtime_error("cannot open " + path.string());
    jpeg_decompress_struct info{};
    jpeg_error_mgr errors{};
    info.err = jpeg_std_error(&errors);
    jpeg_create_decompress(&info);
    jpeg_stdio_src(&info, file);
    jpeg_read_header(&info, TRUE);
    Table table{};
    for (int i = 0; i < 64; ++i) table[i] = info.quant_tbl_ptrs[0]->quantval[i];
    jpeg_destroy_decompress(&info);
    std::fclose(file);
    return table;
}

/// The qualities in [from, to] at which libjpeg writes exactly `table`.
std::vector<int> qualities_writing(const Table& table, int from, int to) {
    std::vector<int> found;
    jpeg_compress_struct info{};
    jpeg_error_mgr errors{};
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    for (int q = from; q <= to; ++q) {
        jpeg_set_quality(&info, q, TRUE);
        bool same = true;
        for (int i = 0; i < 64; ++i) same = same && info.quant_tbl_ptrs[0]->quantval[i] == table[i];
        if (same) found.push_back(q);
    }
    jpeg_destroy_compress(&info);
    return found;
}

TEST(InPlace, KeepsExifXmpIptcAndTheJpegsOwnQuality) {
    Scratch dir;
    const fs::path photo = dir / "photo.jpg";
    write_tagged_photo(photo, 70);
    ASSERT_FALSE(qualities_writing(luminance_table(photo), 70, 70).empty()) << "the input is not at quality 70";
    const auto size_before = fs::file_size(photo);

    const Outcome r = run_pixpool({"run", photo.string(), "--in-place", "-f", "auto_orient", "-q"});
    ASSERT_EQ(r.status, 0) << r.err;

    expect_all_tags(photo);
    EXPECT_FALSE(qualities_writing(luminance_table(photo), 68, 72).empty())
        << "the output is not at the input's quality (70 +- 2)";
    const auto size_after = fs::file_size(photo);
    EXPECT_LE(size_after, size_before * 103 / 100) << "grew from " << size_before << " to " << size_after << " bytes";
}

TEST(InPlace, QualityGivenOverridesTheInputs) {
    Scratch dir;
    const fs::path photo = dir / "photo.jpg";
    write_tagged_photo(photo, 70);

    const Outcome r = run_pixpool({"run", photo.string(), "--in-place", "-f", "auto_orient", "--quality", "90", "-q"});
    ASSERT_EQ(r.status, 0) << r.err;

    EXPECT_FALSE(qualities_writing(luminance_table(photo), 90, 90).empty()) << "--quality 90 was not used";
    expect_all_tags(photo);
}

TEST(InPlace, KeepMetadataIntoAnOutputFolderCarriesIptcToo) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_tagged_photo(dir / "in/photo.jpg", 70);

    const Outcome r = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-f", "auto_orient",
                                   "--keep-metadata", "-q"});
    ASSERT_EQ(r.status, 0) << r.err;
    expect_all_tags(dir / "out/photo.jpg");
    EXPECT_FALSE(qualities_writing(luminance_table(dir / "out/photo.jpg"), 95, 95).empty())
        << "into -o, a JPEG is written at the default quality 95, not the input's";
}

/// A HEIC or AVIF in place keeps its EXIF and XMP too (before, none of its
/// metadata was read for a HEIF output). The input is made, and the output
/// read back, by libheif's own tools: heif-enc takes the JPEG's EXIF and
/// XMP along, heif-convert puts the HEIF's into a JPEG for Exiv2 to read.
TEST(InPlace, HeicAndAvifKeepTheirExifAndXmp) {
    Scratch dir;
    write_tagged_photo(dir / "tagged.jpg", 90);
    for (const std::string ext : {"heic", "avif"}) {
        const fs::path photo = dir / ("photo." + ext);
        const std::string make = "heif-enc -q 80 '" + (dir / "tagged.jpg").string() + "' -o '" + photo.string() + "'";
        ASSERT_EQ(std::system((make + " >/dev/null 2>&1").c_str()), 0) << make;

        const Outcome r = run_pixpool({"run", photo.string(), "--in-place", "-f", "invert", "-q"});
        ASSERT_EQ(r.status, 0) << r.err;

        const fs::path back = dir / (ext + "-back.jpg");
        const std::string convert = "heif-convert '" + photo.string() + "' '" + back.string() + "'";
        ASSERT_EQ(std::system((convert + " >/dev/null 2>&1").c_str()), 0) << convert;
        const Tags tags = read_tags(back);
        EXPECT_EQ(tags.model, "Test Camera X100") << ext;
        EXPECT_EQ(tags.date, "2021:06:01 12:34:56") << ext;
        EXPECT_EQ(tags.copyright, "(c) Jane Doe") << ext;
        EXPECT_NE(tags.creator.find("Jane Doe"), std::string::npos) << ext << ": " << tags.creator;
        EXPECT_NE(tags.owner.find("Jane Doe Studio"), std::string::npos) << ext << ": " << tags.owner;
    }
}

}  // namespace
