// Issue 11, "The pixel limit must hold": --max-pixels is checked from every
// format's own header before a pixel is decoded, including the files whose
// headers Exiv2 could not read (a bad iCCP name, a broken zTXt, a top-down
// BMP, a long Radiance or PAM header, "300#" in a PGM), and a JPEG with
// absurdly many scans is refused.
#include "cli_support.hpp"
#include "../sanitized_build.hpp"

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <zlib.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <string>

namespace {

using namespace cli_test;
using Bytes = std::string;

Bytes encode(const std::string& ext, const cv::Mat& image, const std::vector<int>& params = {}) {
    std::vector<uchar> out;
    if (!cv::imencode(ext, image, out, params)) throw std::runtime_error("cannot encode " + ext);
    return Bytes(out.begin(), out.end());
}

void save(const fs::path& path, const Bytes& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

cv::Mat picture(int side = 300) {
    cv::Mat image(side, side, CV_8UC3);
    cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
    return image;
}

void put_be32(Bytes& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

Bytes png_chunk(const std::string& type, const Bytes& data) {
    Bytes chunk;
    put_be32(chunk, static_cast<std::uint32_t>(data.size()));
    chunk += type + data;
    const auto* typed = reinterpret_cast<const Bytef*>(chunk.data() + 4);
    put_be32(chunk, static_cast<std::uint32_t>(::crc32(0, typed, static_cast<uInt>(data.size() + 4))));
    return chunk;
}

Bytes deflate(const Bytes& data) {
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    Bytes out(size, '\0');
    ::compress(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(data.data()),
               static_cast<uLong>(data.size()));
    out.resize(size);
    return out;
}

/// A PNG of `image` with `chunk` right after IHDR (8 + 25 bytes in).
Bytes png_with(const Bytes& chunk, const cv::Mat& image = picture()) {
    Bytes png = encode(".png", image);
    return png.substr(0, 33) + chunk + png.substr(33);
}

/// 300 x 300 images in twelve formats and shapes, seven of which slipped
/// past the limit when Exiv2 read the header.
void make_twelve(const fs::path& in) {
    fs::create_directories(in);
    const cv::Mat image = picture();
    save(in / "plain.png", encode(".png", image));
    save(in / "plain.jpg", encode(".jpg", image));
    save(in / "plain.webp", encode(".webp", image));
    save(in / "plain.tiff", encode(".tiff", image));
    save(in / "plain.bmp", encode(".bmp", image));
    // iCCP with a 100-character profile name (PNG allows 79).
    save(in / "bad_iccp.png", png_with(png_chunk("iCCP", Bytes(100, 'n') + Bytes(2, '\0') + deflate("profile"))));
    // zTXt whose compressed text is not zlib data.
    save(in / "broken_ztxt.png", png_with(png_chunk("zTXt", Bytes("Comment") + Bytes(2, '\0') + "not zlib")));
    // Top-down: a negative height.
    Bytes bmp = encode(".bmp", image);
    std::int32_t height = -300;
    bmp.replace(22, 4, reinterpret_cast<const char*>(&height), 4);
    save(in / "top_down.bmp", bmp);
    // Radiance HDR with 300 header lines before the format line.
    cv::Mat hdr_image;
    image.convertTo(hdr_image, CV_32FC3, 1 / 255.0);
    Bytes hdr = encode(".hdr", hdr_image);
    std::string comments;
    for (int i = 0; i < 300; ++i) comments += "# line " + std::to_string(i) + "\n";
    save(in / "long_header.hdr", hdr.insert(hdr.find('\n') + 1, comments));
    // PAM with 100 comment lines.
    Bytes pam = encode(".pam", image);
    std::string pam_comments;
    for (int i = 0; i < 100; ++i) pam_comments += "# comment\n";
    save(in / "comments.pam", pam.insert(3, pam_comments));
    // PGM whose width ends at a '#' with no blank: "300#" (OpenCV reads on).
    cv::Mat gray;
    cv::cvtColor(image, gray, cv::COLOR_BGR2GRAY);
    const Bytes pgm = encode(".pgm", gray);
    save(in / "hash.pgm", "P5\n300#\n300 255\n" + pgm.substr(pgm.size() - 300 * 300));
    save(in / "plain.ppm", encode(".ppm", image));
}

TEST(PixelLimit, TwelveSmallImagesInEveryFormatAreAllRefusedUnderATinyLimit) {
    Scratch dir;
    make_twelve(dir / "in");
    auto refused = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "--max-pixels",
                                "1000"});
    EXPECT_EQ(refused.status, 1) << refused.err << refused.err;
    EXPECT_EQ(std::count(refused.err.begin(), refused.err.end(), '\n'), 12)
        << "-q: the twelve errors and nothing else\n" << refused.err;
    std::size_t messages = 0;
    for (std::size_t at = 0; (at = refused.err.find(": refused: 300x300 is 0.09 megapixels", at)) != std::string::npos;
         ++at)
        ++messages;
    EXPECT_EQ(messages, 12u) << refused.err;
    EXPECT_FALSE(fs::exists(dir / "out/top_down.bmp"));

    // The same files are real images: without the limit they are decoded.
    auto decoded = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "all").string(), "-q", "--max-pixels",
                                "0"});
    EXPECT_EQ(decoded.err.find("refused"), std::string::npos) << decoded.err;
    for (const char* name : {"bad_iccp.png", "top_down.bmp", "long_header.hdr", "comments.pam", "hash.pgm"}) {
        EXPECT_EQ(cv::imread((dir / "all" / name).string(), cv::IMREAD_UNCHANGED).size(), cv::Size(300, 300))
            << name << decoded.err;
    }
}

/// 1,080 bytes declaring 20000 x 20000 (400 MP): an 8-bit RLE BMP, top-down,
/// whose pixel data is one "end of bitmap" code.
Bytes rle_bmp_bomb() {
    Bytes bmp = "BM";
    const auto le32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) bmp.push_back(static_cast<char>(v >> (8 * i)));
    };
    const auto le16 = [&](std::uint16_t v) { bmp.push_back(char(v & 0xFF)), bmp.push_back(char(v >> 8)); };
    le32(1080), le32(0), le32(14 + 40 + 1024);                       // file size, reserved, pixel offset
    le32(40), le32(20000), le32(static_cast<std::uint32_t>(-20000));  // info header, width, top-down height
    le16(1), le16(8), le32(1 /* BI_RLE8 */), le32(2), le32(0), le32(0), le32(256), le32(0);
    bmp.append(1024, '\0');                                          // palette
    bmp += Bytes("\x00\x01", 2);                                     // end of bitmap
    return bmp;
}

TEST(PixelLimit, ATopDownRleBmpBombIsRefusedUnderTheDefaultLimit) {
    Scratch dir;
    fs::create_directories(dir / "in");
    save(dir / "in/bomb.bmp", rle_bmp_bomb());
    ASSERT_EQ(fs::file_size(dir / "in/bomb.bmp"), 1080u);
    auto r = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q"});
    EXPECT_EQ(r.status, 1) << r.err << r.err;
    EXPECT_NE(r.err.find("bomb.bmp: refused: 20000x20000 is 400 megapixels, over the limit of 250 (--max-pixels)"),
              std::string::npos)
        << r.err;
}

TEST(PixelLimit, AHeaderThatCannotBeReadIsRefusedNamingTheReason) {
    Scratch dir;
    fs::create_directories(dir / "in");
    save(dir / "in/cut.pgm", "P5\n300");  // OpenCV's own format, size cut short
    auto r = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q"});
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("cut.pgm: refused: cannot read the image size from the header"), std::string::npos) << r.err;
}

TEST(PixelLimit, AJpegWithAbsurdlyManyScansIsRefused) {
    Scratch dir;
    fs::create_directories(dir / "in");
    const Bytes jpeg = encode(".jpg", picture(64), {cv::IMWRITE_JPEG_PROGRESSIVE, 1});
    // Repeat the last scan (its SOS segment and data) 2000 times before EOI.
    const std::size_t last_sos = jpeg.rfind("\xFF\xDA");
    const Bytes scan = jpeg.substr(last_sos, jpeg.size() - 2 - last_sos);
    Bytes bomb = jpeg.substr(0, jpeg.size() - 2);
    for (int i = 0; i < 2000; ++i) bomb += scan;
    save(dir / "in/scans.jpg", bomb + "\xFF\xD9");
    save(dir / "in/normal.jpg", jpeg);
    auto r = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q"});
    EXPECT_EQ(r.status, 1) << r.err << r.err;
    EXPECT_NE(r.err.find("scans.jpg: refused: 2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("JPEG scans, over the limit of 500"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(dir / "out/normal.jpg"));  // a progressive JPEG has about ten
}

/// CPU seconds used by this process's reaped children (pixpool and, as it
/// reaps them, its workers): unlike wall time, not stretched by a busy machine.
double children_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_CHILDREN, &usage);
    const auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

/// A hang guard, not a speed target: with every chunk inflated (as before
/// the cap) this file costs about 40 CPU seconds; with the cap, under one.
/// Each text is 4 MB, over Exiv2's 128 KB, which refused the whole file
/// with --keep-metadata for even one such comment.
TEST(PixelLimit, APngWithThousandsOfLargeZtxtChunksIsDecodedWithoutInflatingThemAll) {
    Scratch dir;
    fs::create_directories(dir / "in");
    // 2000 zTXt chunks of 4 MB of text each, 4 KB each compressed.
    const Bytes chunk = png_chunk("zTXt", Bytes("Comment") + Bytes(2, '\0') + deflate(Bytes(4 << 20, 'z')));
    Bytes chunks;
    for (int i = 0; i < 2000; ++i) chunks += chunk;
    const cv::Mat image = picture(64);
    save(dir / "in/ztxt.png", png_with(chunks, image));
    for (const std::string metadata : {"--keep-metadata", "--overwrite"}) {  // with Exiv2 reading EXIF, and without
        const double cpu_before = children_cpu_seconds();
        auto r = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "--overwrite", metadata});
        const double cpu = children_cpu_seconds() - cpu_before;
        EXPECT_EQ(r.status, 0) << metadata << r.out << r.err;
        const cv::Mat out = cv::imread((dir / "out/ztxt.png").string());
        ASSERT_EQ(out.size(), image.size()) << metadata;
        EXPECT_EQ(cv::norm(out, image, cv::NORM_INF), 0) << metadata;
        EXPECT_LT(cpu, 20) << metadata << ": the text chunks were all inflated";
    }
}

}  // namespace

namespace {

TEST(PixelLimit, FiltersThatGrowTheImageAreHeldToTheLimitNamingTheFilter) {
    Scratch dir;
    fs::create_directories(dir / "in");
    save(dir / "in/a.png", encode(".png", picture(300)));
    const std::vector<std::pair<std::string, std::string>> growing = {
        {"pad:all=100000", "pad: refused: the output would be 200300x200300, 40120 megapixels, over the limit of 250"},
        {"resize:scale=100,upscale=true", "resize: refused: the output would be 30000x30000, 900 megapixels"},
    };
    for (const auto& [filter, message] : growing) {
        std::vector<std::string> args = {"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "-f", filter};
        // --max-memory: a filter that got past the limit would fail to
        // allocate instead of taking the machine's memory. (Not under ASan,
        // whose own mappings RLIMIT_DATA stops; without it a filter past the
        // limit still fails this test, by its exit status or ASan's report.)
#ifndef PIXPOOL_SANITIZE
        args.insert(args.end(), {"--max-memory", "2000"});
#endif
        auto r = run_pixpool(args);
        EXPECT_EQ(r.status, 1) << filter << r.out << r.err;
        EXPECT_NE(r.err.find("a.png: " + message), std::string::npos) << filter << r.err;
        EXPECT_FALSE(fs::exists(dir / "out/a.png")) << filter;
    }
    auto small = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "-f", "pad:all=10"});
    EXPECT_EQ(small.status, 0) << small.out;
    EXPECT_EQ(cv::imread((dir / "out/a.png").string()).size(), cv::Size(320, 320));
}

TEST(PixelLimit, RotateAndWebpSayTheirOwnLimitsInsteadOfAnOpenCvAssertion) {
    Scratch dir;
    fs::create_directories(dir / "in");
    save(dir / "in/wide.png", encode(".png", cv::Mat(2, 33000, CV_8UC1, cv::Scalar(5))));
    auto rotate = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "-f",
                               "rotate:angle=45"});
    EXPECT_EQ(rotate.status, 1);
    EXPECT_NE(rotate.err.find("rotate: by 45 degrees (not a multiple of 90) works up to 32766 pixels a side"),
              std::string::npos)
        << rotate.err;
    auto webp = run_pixpool({"run", (dir / "in").string(), "-o", (dir / "webp").string(), "-q", "--format", "webp"});
    EXPECT_EQ(webp.status, 1);
    EXPECT_NE(webp.err.find("cannot encode as webp: WebP holds at most 16383 pixels a side, the image is 33000x2"),
              std::string::npos)
        << webp.err;
}

}  // namespace
