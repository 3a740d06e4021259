#pragma once
/// Fixtures of the metadata tests (test_metadata.cpp, heif_metadata_test.cpp):
/// inputs made with OpenCV and Exiv2 (a well-formed ICC profile, EXIF with an
/// orientation and a thumbnail, XMP), Exiv2's reading of an output, and one
/// file through process_image.

#include "test_util.hpp"

#include <pixpool/filters.hpp>
#include <pixpool/image_job.hpp>

#include <exiv2/exiv2.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pixpool::metadata_test {

using test_util::read_bytes;

/// The RIFF chunk ids of a WebP file, in order ("VP8 ", "VP8L", "VP8X", "ICCP", ...).
inline std::vector<std::string> webp_chunks(const std::string& bytes) {
    std::vector<std::string> ids;
    if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WEBP") != 0) return ids;
    std::size_t at = 12;
    while (at + 8 <= bytes.size()) {
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at + 4);
        const std::uint32_t size = p[0] | p[1] << 8 | p[2] << 16 | std::uint32_t(p[3]) << 24;
        ids.push_back(bytes.substr(at, 4));
        at += 8 + size + (size & 1);
    }
    return ids;
}

inline Exiv2::Image::AutoPtr open_with_exiv2(const std::string& path) {
    auto image = Exiv2::ImageFactory::open(path);
    image->readMetadata();
    return image;
}

inline void put_u32(std::string& out, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out[at + i] = static_cast<char>(v >> (24 - 8 * i));
}
inline std::string u32(std::uint32_t v) {
    std::string out(4, '\0');
    put_u32(out, 0, v);
    return out;
}
inline std::string s15f16(double v) {
    return u32(static_cast<std::uint32_t>(static_cast<std::int32_t>(v * 65536.0 + 0.5)));
}
inline std::string xyz_tag(double x, double y, double z) { return "XYZ " + u32(0) + s15f16(x) + s15f16(y) + s15f16(z); }

/// A small but well-formed ICC v2 display profile: header, tag table, a
/// description, white point, and for RGB the primaries and gamma curves (for
/// GRAY one curve). `name` goes into the description, so two profiles differ.
inline std::string make_icc_profile(const std::string& space, const std::string& name) {
    std::string desc = "desc" + u32(0) + u32(static_cast<std::uint32_t>(name.size() + 1)) + name + '\0';
    desc += u32(0) + u32(0) + std::string(2 + 1 + 67, '\0');  // no Unicode, no ScriptCode description
    const std::string gamma = "curv" + u32(0) + u32(1) + std::string("\x02\x33", 2);  // gamma 2.2
    std::vector<std::pair<std::string, std::string>> tags = {{"desc", desc},
                                                             {"wtpt", xyz_tag(0.9642, 1.0, 0.8249)},
                                                             {"cprt", "text" + u32(0) + "No copyright" + '\0'}};
    if (space == "GRAY") {
        tags.push_back({"kTRC", gamma});
    } else {
        tags.push_back({"rXYZ", xyz_tag(0.4361, 0.2225, 0.0139)});
        tags.push_back({"gXYZ", xyz_tag(0.3851, 0.7169, 0.0971)});
        tags.push_back({"bXYZ", xyz_tag(0.1431, 0.0606, 0.7141)});
        tags.push_back({"rTRC", gamma});
        tags.push_back({"gTRC", gamma});
        tags.push_back({"bTRC", gamma});
    }
    std::string header(128, '\0');
    put_u32(header, 8, 0x02100000);                 // version 2.1
    header.replace(12, 4, "mntr");                  // display class
    header.replace(16, 4, space == "GRAY" ? "GRAY" : "RGB ");
    header.replace(20, 4, "XYZ ");                  // connection space
    header.replace(36, 4, "acsp");
    header.replace(68, 12, s15f16(0.9642) + s15f16(1.0) + s15f16(0.8249));  // D50
    std::string table = u32(static_cast<std::uint32_t>(tags.size()));
    std::string data;
    std::size_t offset = 128 + 4 + 12 * tags.size();
    for (const auto& [signature, body] : tags) {
        table += signature + u32(static_cast<std::uint32_t>(offset + data.size())) +
                 u32(static_cast<std::uint32_t>(body.size()));
        data += body;
        data.append((4 - data.size() % 4) % 4, '\0');  // tags start on 4-byte boundaries
    }
    std::string profile = header + table + data;
    put_u32(profile, 0, static_cast<std::uint32_t>(profile.size()));
    return profile;
}

/// A 40x24 picture stored sideways: a red block at the stored top-left, the
/// rest grey. With orientation 6 ("rotate 90 CW to view") it is upright as
/// 24x40 with the red block at the top-right.
inline cv::Mat sideways_picture() {
    cv::Mat image(24, 40, CV_8UC3, cv::Scalar(128, 128, 128));
    image(cv::Rect(0, 0, 10, 8)).setTo(cv::Scalar(0, 0, 255));
    return image;
}

inline const char* const kTitle = "Pixpool metadata test";

/// Exiv2 0.27 writes a WebP's ICC profile in a chunk labelled "VP8X" after
/// the real VP8X (Exiv2 issue #2734): relabels it "ICCP" in the file.
inline void relabel_webp_icc_chunk(const std::string& path) {
    std::string bytes = read_bytes(path);
    const auto chunks = webp_chunks(bytes);
    ASSERT_GE(chunks.size(), 2u);
    ASSERT_EQ(chunks[0], "VP8X");
    ASSERT_EQ(chunks[1], "VP8X");
    ASSERT_EQ(bytes.compare(30, 4, "VP8X"), 0);  // the first VP8X is 8 + 10 bytes long
    bytes.replace(30, 4, "ICCP");
    test_util::write_bytes(path, bytes);
}

/// Writes `image` to `path` with OpenCV, then with Exiv2 adds the ICC profile
/// `icc` (if any) and, with `exif_and_xmp`: EXIF orientation 6, Artist,
/// PixelXDimension, a thumbnail, and an XMP dc:title and tiff:Orientation.
inline void make_input(const std::string& path, const cv::Mat& image, const std::string& icc,
                       bool exif_and_xmp = true) {
    ASSERT_TRUE(cv::imwrite(path, image));
    auto exiv2 = open_with_exiv2(path);
    if (!icc.empty()) {
        Exiv2::DataBuf buffer(reinterpret_cast<const Exiv2::byte*>(icc.data()), static_cast<long>(icc.size()));
        exiv2->setIccProfile(buffer);
    }
    if (exif_and_xmp) {
        Exiv2::ExifData& exif = exiv2->exifData();
        exif["Exif.Image.Orientation"] = static_cast<std::uint16_t>(6);
        exif["Exif.Image.Artist"] = "Ada Lovelace";
        exif["Exif.Photo.PixelXDimension"] = static_cast<std::uint32_t>(image.cols);
        if (exiv2->imageType() == Exiv2::ImageType::jpeg) {
            std::vector<uchar> thumbnail;
            cv::imencode(".jpg", cv::Mat(8, 8, CV_8UC3, cv::Scalar(0, 255, 0)), thumbnail);
            Exiv2::ExifThumb(exif).setJpegThumbnail(thumbnail.data(), static_cast<long>(thumbnail.size()));
        }
        Exiv2::XmpData& xmp = exiv2->xmpData();
        xmp["Xmp.dc.title"] = std::string("lang=x-default ") + kTitle;
        xmp["Xmp.tiff.Orientation"] = "6";
    }
    exiv2->writeMetadata();
    if (!icc.empty() && path.size() > 5 && path.compare(path.size() - 5, 5, ".webp") == 0) relabel_webp_icc_chunk(path);
}

/// What Exiv2 reads back from an output.
struct ReadBack {
    std::string icc;
    Exiv2::ExifData exif;
    Exiv2::XmpData xmp;

    std::string exif_text(const char* key) const {
        auto it = exif.findKey(Exiv2::ExifKey(key));
        return it == exif.end() ? "(none)" : it->toString();
    }
    std::string xmp_text(const char* key) const {
        auto it = xmp.findKey(Exiv2::XmpKey(key));
        return it == xmp.end() ? "(none)" : it->toString();
    }
};

inline ReadBack read_back(const std::string& path) {
    auto exiv2 = open_with_exiv2(path);
    ReadBack back;
    if (exiv2->iccProfileDefined()) {
        const Exiv2::DataBuf* icc = exiv2->iccProfile();
        back.icc.assign(reinterpret_cast<const char*>(icc->pData_), static_cast<std::size_t>(icc->size_));
    }
    back.exif = exiv2->exifData();
    back.xmp = exiv2->xmpData();
    return back;
}

/// True if the 24x40 output has the red block at the top-right (upright).
inline bool red_at_top_right(const cv::Mat& image) {
    if (image.cols != 24 || image.rows != 40) return false;
    const cv::Scalar corner = cv::mean(image(cv::Rect(24 - 6, 1, 5, 6)));
    const cv::Scalar other = cv::mean(image(cv::Rect(1, 1, 5, 6)));
    return corner[2] > 200 && corner[0] < 60 && other[2] < 160;
}

inline ImageOutcome run(const std::string& input, const std::string& output, const OutputOptions& options,
                 const std::string& filter = "", const ReadOptions& read = {}) {
    const filters::Chain chain = filter.empty() ? filters::Chain{} : filters::Chain::parse({filter});
    return process_image({input, output}, chain, options, read);
}

}  // namespace pixpool::metadata_test
