// Issue 3, "Bad inputs: one clear error each, and the run goes on": one batch
// over a folder of broken, hostile and unusual files, all generated here at
// test time. Every file either comes out right or gets exactly one error line
// naming it and the reason; the batch finishes with exit status 1 and leaves
// no output for a failed file and no temporary file behind.
#include "cli_support.hpp"
#include "../sanitized_build.hpp"

#include <gtest/gtest.h>
#include <exiv2/exiv2.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cstdio>  // jpeglib.h needs FILE
#include <jpeglib.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>

namespace {

using namespace cli_test;
using Bytes = std::vector<unsigned char>;

// ---------------------------------------------------------------- making inputs

Bytes read_bytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path.string());
}

void write_text(const fs::path& path, const std::string& text) { write_bytes(path, Bytes(text.begin(), text.end())); }

/// A photo-like image: gradients plus noise, so JPEG data is not trivial and
/// a blur visibly changes it.
cv::Mat textured(int width, int height, int type = CV_8UC3, unsigned seed = 1) {
    cv::Mat image(height, width, type);
    cv::RNG rng(seed);
    rng.fill(image, cv::RNG::UNIFORM, cv::Scalar::all(0),
             cv::Scalar::all(CV_MAT_DEPTH(type) == CV_16U ? 65535 : 255));
    return image;
}

void imwrite_or_throw(const fs::path& path, const cv::Mat& image) {
    if (!cv::imwrite(path.string(), image)) throw std::runtime_error("cv::imwrite failed: " + path.string());
}

/// Offset of the first JPEG marker FF <marker> at or after `from`.
std::size_t find_marker(const Bytes& jpeg, unsigned char marker, std::size_t from = 2) {
    for (std::size_t i = from; i + 1 < jpeg.size(); ++i) {
        if (jpeg[i] == 0xFF && jpeg[i + 1] == marker) return i;
    }
    throw std::runtime_error("JPEG marker not found");
}

std::uint32_t crc32(const unsigned char* data, std::size_t size, std::uint32_t crc = 0) {
    crc = ~crc;
    for (std::size_t i = 0; i < size; ++i) {
        crc ^= data[i];
        for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

void put_be32(Bytes& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(v >> shift));
}

void put_png_chunk(Bytes& png, const char type[4], const Bytes& data) {
    put_be32(png, static_cast<std::uint32_t>(data.size()));
    Bytes typed(type, type + 4);
    typed.insert(typed.end(), data.begin(), data.end());
    png.insert(png.end(), typed.begin(), typed.end());
    put_be32(png, crc32(typed.data(), typed.size()));
}

/// A PNG whose IHDR declares width x height 8-bit gray, followed by the first
/// ~200 KB of its (all-zero) rows as stored deflate blocks, and no more: a
/// few hundred KB on disk, width*height bytes once decoded.
Bytes png_bomb(std::uint32_t width, std::uint32_t height) {
    Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    Bytes ihdr;
    put_be32(ihdr, width);
    put_be32(ihdr, height);
    ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});  // depth 8, gray, deflate, filter 0, no interlace
    put_png_chunk(png, "IHDR", ihdr);
    Bytes idat = {0x78, 0x01};  // zlib header; the stream never ends
    for (int block = 0; block < 3; ++block) {
        const std::uint16_t len = 65535;
        idat.insert(idat.end(), {0x00, static_cast<unsigned char>(len & 0xFF), static_cast<unsigned char>(len >> 8),
                                 static_cast<unsigned char>(~len & 0xFF), static_cast<unsigned char>((~len >> 8) & 0xFF)});
        idat.insert(idat.end(), len, 0);  // filter byte 0 and zero pixels alike
    }
    put_png_chunk(png, "IDAT", idat);
    put_png_chunk(png, "IEND", {});
    return png;
}

/// A real JPEG whose SOF0 says width x height.
Bytes jpeg_declaring(const fs::path& scratch_jpeg, std::uint16_t width, std::uint16_t height) {
    imwrite_or_throw(scratch_jpeg, textured(64, 48));
    Bytes jpeg = read_bytes(scratch_jpeg);
    fs::remove(scratch_jpeg);
    const std::size_t sof = find_marker(jpeg, 0xC0);
    // FF C0, length(2), precision(1), height(2), width(2)
    jpeg[sof + 5] = static_cast<unsigned char>(height >> 8);
    jpeg[sof + 6] = static_cast<unsigned char>(height & 0xFF);
    jpeg[sof + 7] = static_cast<unsigned char>(width >> 8);
    jpeg[sof + 8] = static_cast<unsigned char>(width & 0xFF);
    return jpeg;
}

/// A 4-component CMYK JPEG written with libjpeg.
void write_cmyk_jpeg(const fs::path& path, int width, int height) {
    FILE* file = std::fopen(path.c_str(), "wb");
    if (!file) throw std::runtime_error("cannot create " + path.string());
    jpeg_compress_struct cinfo;
    jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, file);
    cinfo.image_width = static_cast<JDIMENSION>(width);
    cinfo.image_height = static_cast<JDIMENSION>(height);
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_CMYK;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 90, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    std::vector<JSAMPLE> row(static_cast<std::size_t>(width) * 4);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            row[x * 4 + 0] = static_cast<JSAMPLE>(x * 255 / width);
            row[x * 4 + 1] = static_cast<JSAMPLE>(y * 255 / height);
            row[x * 4 + 2] = 128;
            row[x * 4 + 3] = static_cast<JSAMPLE>((x + y) % 256);
        }
        JSAMPROW rows[] = {row.data()};
        jpeg_write_scanlines(&cinfo, rows, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    std::fclose(file);
}

/// A 40x20 JPEG, white on its left half and black on its right, tagged
/// with EXIF orientation 6 (the camera was turned: rotate 90 degrees clockwise).
void write_rotated_jpeg(const fs::path& path) {
    cv::Mat image(20, 40, CV_8UC3, cv::Scalar::all(0));
    image.colRange(0, 20).setTo(cv::Scalar::all(255));
    imwrite_or_throw(path, image);
    auto exif_image = Exiv2::ImageFactory::open(path.string());
    exif_image->readMetadata();
    exif_image->exifData()["Exif.Image.Orientation"] = std::uint16_t(6);
    exif_image->writeMetadata();
}

/// The smallest GIF89a: one white pixel. OpenCV 4.6 has no GIF decoder.
Bytes tiny_gif() {
    return {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0x80, 0, 0, 0xFF, 0xFF, 0xFF, 0, 0, 0,
            0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B};
}

Bytes random_bytes(std::size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    Bytes bytes(size);
    for (auto& b : bytes) b = static_cast<unsigned char>(rng());
    bytes[0] = 'R';  // no image format starts like this
    bytes[1] = 'N';
    return bytes;
}

/// A JPEG cut to its first half: libjpeg pads it with grey and warns
/// "Premature end of JPEG file".
void write_truncated_jpeg(const fs::path& path) {
    imwrite_or_throw(path, textured(256, 192));
    Bytes jpeg = read_bytes(path);
    jpeg.resize(jpeg.size() / 2);
    write_bytes(path, jpeg);
}

/// A valid PNG with two damaged text chunks (bad CRCs): libpng warns twice,
/// one line each, and decodes the image.
void write_png_with_two_warnings(const fs::path& path, const cv::Mat& image) {
    imwrite_or_throw(path, image);
    Bytes png = read_bytes(path);
    Bytes chunks;
    put_png_chunk(chunks, "tEXt", {'a', 0, 'b'});
    put_png_chunk(chunks, "zTXt", {'c', 0, 0, 'x'});
    chunks[chunks.size() - 1] ^= 1;  // the zTXt's CRC
    chunks[3 * 4 + 3 - 1] ^= 1;      // the tEXt's CRC: after length, type and 3 data bytes
    png.insert(png.begin() + 8 + 25, chunks.begin(), chunks.end());  // after the signature and IHDR
    write_bytes(path, png);
}

// ---------------------------------------------------------------- reading the summary

struct Summary {
    std::string counts;                 ///< "pixpool: N files: ..." line
    std::vector<std::string> errors;    ///< text after "  error: "
    std::vector<std::string> warnings;  ///< text after "  warning: "
    std::vector<std::string> other;     ///< any other line after the counts
};

Summary parse_summary(const std::string& out) {
    Summary s;
    std::istringstream lines(out);
    std::string line;
    bool after_counts = false;
    while (std::getline(lines, line)) {
        if (!after_counts) {
            if (line.rfind("pixpool: ", 0) == 0 && line.find(" files: ") != std::string::npos) {
                s.counts = line;
                after_counts = true;
            }
        } else if (line.rfind("  error: ", 0) == 0) {
            s.errors.push_back(line.substr(9));
        } else if (line.rfind("  warning: ", 0) == 0) {
            s.warnings.push_back(line.substr(11));
        } else {
            s.other.push_back(line);
        }
    }
    return s;
}

/// The error lines about `file`: those that start with its path.
std::vector<std::string> errors_about(const Summary& s, const std::string& file) {
    std::vector<std::string> found;
    for (const auto& e : s.errors) {
        if (e.rfind(file + ": ", 0) == 0) found.push_back(e);
    }
    return found;
}

void expect_no_temporaries(const fs::path& folder) {
    std::error_code ec;
    if (!fs::exists(folder, ec)) return;
    for (const auto& entry : fs::recursive_directory_iterator(folder)) {
        EXPECT_EQ(entry.path().filename().string().find(".pixpool-tmp"), std::string::npos)
            << "temporary file left: " << entry.path();
    }
}

// ---------------------------------------------------------------- the batch

/// What one input must come to.
struct Expect {
    std::string reason;  ///< empty: written; else the error's text after "<file>: " must contain this
    int width = 0;       ///< written output's size (0: not checked)
    int height = 0;
    int channels = 0;    ///< 0: not checked
    int depth = -1;      ///< CV_8U, CV_16U; -1: not checked
    std::string output = {};  ///< the output's name in the output folder; empty: the input's
};

class BadInputs : public ::testing::Test {
protected:
    Scratch scratch;
    fs::path in = scratch / "in";
    fs::path out = scratch / "out";
    std::map<std::string, Expect> expect;  ///< by file name in `in`
    std::vector<std::string> named_on_command_line;  ///< beside the folder itself

    void SetUp() override { fs::create_directories(in); }

    void good(const std::string& name, const cv::Mat& image) {
        imwrite_or_throw(in / name, image);
        expect[name] = {"", image.cols, image.rows, image.channels(), image.depth()};
    }

    void make_inputs() {
        // Broken files: one error each.
        write_bytes(in / "empty.jpg", {});
        expect["empty.jpg"] = {"cannot decode: the file is empty"};

        imwrite_or_throw(in / "header_only.jpg", textured(64, 48));
        Bytes jpeg = read_bytes(in / "header_only.jpg");
        jpeg.resize(find_marker(jpeg, 0xDA));  // every table and the SOF, no scan
        write_bytes(in / "header_only.jpg", jpeg);
        expect["header_only.jpg"] = {"cannot decode (Premature end of JPEG file)"};

        write_bytes(in / "random.jpg", random_bytes(5000, 7));
        expect["random.jpg"] = {"cannot decode (not an image or unsupported format)"};

        write_text(in / "text.png", "This is not a PNG.\nJust some words.\n");
        expect["text.png"] = {"cannot decode (not an image or unsupported format)"};

        // Decompression bombs: refused from the header, before any pixel.
        write_bytes(in / "bomb.png", png_bomb(30000, 30000));
        expect["bomb.png"] = {"refused: 30000x30000 is 900 megapixels, over the limit of 250 (--max-pixels)"};
        write_bytes(in / "sof_bomb.jpg", jpeg_declaring(scratch / "tmp.jpg", 65000, 65000));
        expect["sof_bomb.jpg"] = {"refused: 65000x65000 is 4225 megapixels, over the limit of 250 (--max-pixels)"};
        // Formats Exiv2 does not know: their own headers are read.
        write_text(in / "bomb.pgm", "P5\n# a comment\n30000 30000\n255\n" + std::string(4096, '\0'));
        expect["bomb.pgm"] = {"refused: 30000x30000 is 900 megapixels, over the limit of 250 (--max-pixels)"};
        write_text(in / "bomb.hdr", "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 20000 +X 40000\n" + std::string(4096, '\0'));
        expect["bomb.hdr"] = {"refused: 40000x20000 is 800 megapixels, over the limit of 250 (--max-pixels)"};
        Bytes ras = {0x59, 0xA6, 0x6A, 0x95};
        for (std::uint32_t v : {30000u, 30000u, 24u, 2700000000u, 1u, 0u, 0u}) put_be32(ras, v);
        ras.resize(ras.size() + 4096, 0);
        write_bytes(in / "bomb.ras", ras);
        expect["bomb.ras"] = {"refused: 30000x30000 is 900 megapixels, over the limit of 250 (--max-pixels)"};
        // Declared sizes whose product overflows 64 bits.
        write_text(in / "overflow.pgm", "P5 4294967296 4294967296 255\n" + std::string(64, '\0'));
        expect["overflow.pgm"] = {
            "refused: 4294967296x4294967296 is 18446744073710 megapixels, over the limit of 250 (--max-pixels)"};

        // Not regular files, and a GIF. They are named on the command line
        // as well: named twice they still count once.
        // A folder named like an image: a walk without -r lists it (and it
        // fails); named on the command line, it is a folder of images.
        fs::create_directory(in / "x.jpg");
        expect["x.jpg"] = {"is a directory"};
        imwrite_or_throw(in / "x.jpg" / "inside.png", textured(20, 10, CV_8UC3, 11));
        expect["x.jpg/inside.png"] = {"", 20, 10, 3, CV_8U, "inside.png"};
        fs::create_symlink(in / "nowhere.jpg", in / "dangling.jpg");
        expect["dangling.jpg"] = {"cannot read: No such file or directory"};
        fs::create_symlink("loop_b.jpg", in / "loop_a.jpg");
        fs::create_symlink("loop_a.jpg", in / "loop_b.jpg");
        expect["loop_a.jpg"] = {"cannot read: Too many levels of symbolic links"};
        expect["loop_b.jpg"] = {"cannot read: Too many levels of symbolic links"};
        // A GIF: its first frame is read (giflib) and written as a PNG.
        write_bytes(in / "anim.gif", tiny_gif());
        expect["anim.gif"] = {"", 1, 1, 3, CV_8U, "anim.png"};
        for (const char* name : {"x.jpg", "dangling.jpg", "loop_a.jpg", "loop_b.jpg", "anim.gif"}) {
            named_on_command_line.push_back((in / name).string());
        }

        // Damaged but decodable: written, with a warning (checked below).
        write_truncated_jpeg(in / "truncated.jpg");
        expect["truncated.jpg"] = {"", 256, 192, 3, CV_8U};

        // Unusual but valid images: each must come out right.
        write_cmyk_jpeg(in / "cmyk.jpg", 48, 32);
        expect["cmyk.jpg"] = {"", 48, 32, 3, CV_8U};
        good("deep16.png", textured(50, 30, CV_16UC3, 2));
        good("alpha.png", textured(30, 50, CV_8UC4, 3));
        good("one.png", textured(1, 1, CV_8UC3, 4));
        good("image.tiff", textured(33, 17, CV_8UC3, 5));
        good("image.bmp", textured(17, 33, CV_8UC3, 6));
        write_rotated_jpeg(in / "rotated.jpg");
        expect["rotated.jpg"] = {"", 20, 40, 3, CV_8U};

        // Odd names, good files.
        for (const char* name : {"with space.jpg", "caf\u00e9.jpg", "\u65e5\u672c.png", "new\nline.jpg", "-dash.jpg"}) {
            good(name, textured(24, 16, CV_8UC3, 8));
        }
        good("good1.jpg", textured(64, 48, CV_8UC3, 9));
        good("good2.png", textured(48, 64, CV_8UC3, 10));
    }

    /// The run over `in` went as `wanted` says, file by file: status 1, the
    /// counts, one error line per failed file with its exact reason, one
    /// warning (the truncated JPEG), every other output written with the
    /// right size, channels and depth, and nothing else in `out`.
    void check_batch(const Outcome& r, const std::map<std::string, Expect>& wanted) {
        const std::string context = "stdout:\n" + r.err + "\nstderr:\n" + r.err;
        EXPECT_EQ(r.status, 1) << context;
        Summary s = parse_summary(r.err);
        std::size_t failed = 0;
        for (const auto& [name, e] : wanted) failed += !e.reason.empty();
        const std::size_t ok = wanted.size() - failed;
        ASSERT_FALSE(s.counts.empty()) << context;
        EXPECT_NE(s.counts.find("pixpool: " + std::to_string(wanted.size()) + " files: " + std::to_string(ok) +
                                " ok (1 with warnings), " + std::to_string(failed) + " failed in "),
                  std::string::npos)
            << s.counts;
        EXPECT_EQ(s.errors.size(), failed) << context;
        EXPECT_TRUE(s.other.empty()) << "lines that are neither error nor warning:\n" << context;

        std::set<std::string> outputs_wanted;
        for (const auto& [name, e] : wanted) {
            const std::string path = (in / name).string();
            const std::string output_name = e.output.empty() ? name : e.output;
            const fs::path output = out / output_name;
            const auto errors = errors_about(s, path);
            if (!e.reason.empty()) {
                ASSERT_EQ(errors.size(), 1u) << name << "\n" << context;
                EXPECT_EQ(errors[0], path + ": " + e.reason) << name;
                EXPECT_FALSE(fs::exists(fs::symlink_status(output))) << "output of a failed file: " << output;
                continue;
            }
            outputs_wanted.insert(output_name);
            EXPECT_TRUE(errors.empty()) << name << ": " << (errors.empty() ? "" : errors[0]);
            cv::Mat written = cv::imread(output.string(), cv::IMREAD_UNCHANGED);
            ASSERT_FALSE(written.empty()) << name << " was not written or does not decode\n" << context;
            EXPECT_EQ(written.cols, e.width) << name;
            EXPECT_EQ(written.rows, e.height) << name;
            EXPECT_EQ(written.channels(), e.channels) << name;
            EXPECT_EQ(written.depth(), e.depth) << name;
        }

        // The one warning: the truncated JPEG, naming it and libjpeg's reason.
        ASSERT_EQ(s.warnings.size(), 1u) << context;
        EXPECT_EQ(s.warnings[0], (in / "truncated.jpg").string() + ": Premature end of JPEG file");

        // Nothing else in the output folder: no temporary, no partial file
        // (pixpool's own journal aside).
        expect_no_temporaries(out);
        std::set<std::string> outputs_found;
        for (const auto& entry : fs::directory_iterator(out)) {
            const std::string name = entry.path().filename().string();
            if (name.rfind(".pixpool-journal", 0) != 0) outputs_found.insert(name);
        }
        EXPECT_EQ(outputs_found, outputs_wanted);
    }
};

TEST_F(BadInputs, OneBatchGivesEachBadFileOneClearErrorAndWritesTheRest) {
    make_inputs();
    std::vector<std::string> args = {"run", in.string()};
    args.insert(args.end(), named_on_command_line.begin(), named_on_command_line.end());
    // --max-memory 300: a bomb that got past the header check would fail to
    // allocate instead of being refused; --timeout turns a hang into an error.
    // (Not under ASan, whose own mappings RLIMIT_DATA stops: there the header
    // check alone holds the bombs back.)
    args.insert(args.end(), {"-o", out.string(), "-j", "2", "-f", "gaussian_blur:sigma=2", "--timeout", "60"});
#ifndef PIXPOOL_SANITIZE
    args.insert(args.end(), {"--max-memory", "300"});
#endif
    check_batch(run_pixpool(args), expect);

    // The EXIF-rotated JPEG was turned, not merely resized: its white left
    // half is now the top.
    cv::Mat rotated = cv::imread((out / "rotated.jpg").string(), cv::IMREAD_GRAYSCALE);
    ASSERT_FALSE(rotated.empty());
    EXPECT_GT(rotated.at<uchar>(5, 10), 200);
    EXPECT_LT(rotated.at<uchar>(34, 10), 55);
}

TEST_F(BadInputs, FolderAloneReportsItsBrokenLinksAndImageNamedFolder) {
    // The folder given alone: the walk lists the dangling link, the loop and
    // the folder named x.jpg (each then fails on its own), reads the GIF, and
    // does not descend into x.jpg without -r.
    make_inputs();
    std::map<std::string, Expect> walked = expect;
    walked.erase("x.jpg/inside.png");
    check_batch(run_pixpool({"run", in.string(), "-o", out.string(), "-j", "2", "-f", "gaussian_blur:sigma=2"}),
                walked);
}

TEST(BadInputsWarnings, TruncatedJpegWarnsByDefaultAndFailsWithFailOnWarning) {
    Scratch scratch;
    const fs::path input = scratch / "truncated.jpg";
    write_truncated_jpeg(input);

    Outcome lenient = run_pixpool({"run", input.string(), "-o", (scratch / "lenient").string(), "-j", "2"});
    EXPECT_EQ(lenient.status, 0) << lenient.err << lenient.err;
    Summary s = parse_summary(lenient.err);
    EXPECT_NE(s.counts.find(" 1 files: 1 ok (1 with warnings), 0 failed in "), std::string::npos) << lenient.err;
    ASSERT_EQ(s.warnings.size(), 1u) << lenient.err;
    EXPECT_EQ(s.warnings[0], input.string() + ": Premature end of JPEG file");
    EXPECT_TRUE(s.errors.empty()) << lenient.err;
    EXPECT_FALSE(cv::imread((scratch / "lenient/truncated.jpg").string()).empty());

    Outcome strict = run_pixpool(
        {"run", input.string(), "-o", (scratch / "strict").string(), "-j", "2", "--fail-on", "warning"});
    EXPECT_EQ(strict.status, 1) << strict.err << strict.err;
    s = parse_summary(strict.err);
    EXPECT_NE(s.counts.find(" 1 files: 0 ok, 1 failed in "), std::string::npos) << strict.err;
    ASSERT_EQ(s.errors.size(), 1u) << strict.err;
    EXPECT_EQ(s.errors[0], input.string() + ": decoder warning: Premature end of JPEG file");
    EXPECT_TRUE(s.warnings.empty()) << strict.err;
    EXPECT_FALSE(fs::exists(scratch / "strict/truncated.jpg"));
    expect_no_temporaries(scratch / "strict");
}

TEST(BadInputsOutput, UnwritableOutputFolderIsRefusedBeforeAnyWork) {
    Scratch scratch;
    fs::create_directories(scratch / "in");
    for (const char* name : {"a.jpg", "b.png", "c.jpg"}) imwrite_or_throw(scratch / "in" / name, textured(32, 24));
    write_text(scratch / "file", "a regular file where a folder should be\n");
    const fs::path out = scratch / "file" / "out";

    Outcome r = run_pixpool({"run", (scratch / "in").string(), "-o", out.string(), "-j", "2", "-f",
                             "gaussian_blur:sigma=2", "--log-level", "info"});
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(r.err, "pixpool: error: cannot create the output folder " + out.string() + ": Not a directory\n")
        << "one error naming the folder, and no worker started (it would log at info)";
    EXPECT_EQ(r.out, "");
}

TEST(BadInputsNames, LeadingDashFileNamedOnTheCommandLine) {
    Scratch scratch;
    imwrite_or_throw(scratch / "-dash.jpg", textured(32, 24));
    const fs::path previous = fs::current_path();
    fs::current_path(scratch.path());
    Outcome dotted = run_pixpool({"run", "./-dash.jpg", "-o", "out1", "-j", "2"});
    Outcome after_dashes = run_pixpool({"run", "-o", "out2", "-j", "2", "--", "-dash.jpg"});
    fs::current_path(previous);

    EXPECT_EQ(dotted.status, 0) << dotted.err << dotted.err;
    EXPECT_NE(dotted.err.find(" 1 files: 1 ok, 0 failed in "), std::string::npos) << dotted.err;
    EXPECT_FALSE(cv::imread((scratch / "out1/-dash.jpg").string()).empty());
    EXPECT_EQ(after_dashes.status, 0) << after_dashes.err << after_dashes.err;
    EXPECT_NE(after_dashes.err.find(" 1 files: 1 ok, 0 failed in "), std::string::npos) << after_dashes.err;
    EXPECT_FALSE(cv::imread((scratch / "out2/-dash.jpg").string()).empty());
}

TEST(BadInputsNames, ErrorForAFileWithANewlineInItsNameStaysOneEntry) {
    // A summary reader splits on lines: a name with a newline must not make
    // one error look like an error plus a stray line.
    Scratch scratch;
    fs::create_directories(scratch / "in");
    write_text(scratch / "in" / "bad\nname.jpg", "not a jpeg");
    imwrite_or_throw(scratch / "in" / "good.jpg", textured(32, 24));
    Outcome r = run_pixpool({"run", (scratch / "in").string(), "-o", (scratch / "out").string(), "-j", "2"});
    EXPECT_EQ(r.status, 1) << r.err << r.err;
    Summary s = parse_summary(r.err);
    EXPECT_NE(s.counts.find(" 2 files: 1 ok, 1 failed in "), std::string::npos) << r.err;
    ASSERT_EQ(s.errors.size(), 1u) << r.err;
    EXPECT_NE(s.errors[0].find("name.jpg: cannot decode (not an image or unsupported format)"), std::string::npos)
        << r.err;
    EXPECT_TRUE(s.other.empty()) << "an error broken over several lines:\n" << r.err;
}

}  // namespace

namespace {

TEST(BadInputsWarnings, SeveralDecoderWarningsMakeOneErrorLine) {
    Scratch scratch;
    const fs::path input = scratch / "two_warnings.png";
    write_png_with_two_warnings(input, textured(32, 24));
    Outcome r = run_pixpool(
        {"run", input.string(), "-o", (scratch / "out").string(), "-j", "2", "--fail-on", "warning"});
    EXPECT_EQ(r.status, 1) << r.err << r.err;
    Summary s = parse_summary(r.err);
    ASSERT_EQ(s.errors.size(), 1u) << r.err;
    EXPECT_EQ(s.errors[0], input.string() +
                               ": decoder warning: libpng warning: tEXt: CRC error; libpng warning: zTXt: CRC error");
    EXPECT_TRUE(s.other.empty()) << "an error broken over several lines:\n" << r.err;
    EXPECT_FALSE(fs::exists(scratch / "out/two_warnings.png"));
}

TEST(BadInputsWarnings, SeveralDecoderWarningsStayOneSummaryEntry) {
    Scratch scratch;
    const fs::path input = scratch / "two_warnings.png";
    write_png_with_two_warnings(input, textured(32, 24));
    Outcome r = run_pixpool({"run", input.string(), "-o", (scratch / "out").string(), "-j", "2"});
    EXPECT_EQ(r.status, 0) << r.err << r.err;
    Summary s = parse_summary(r.err);
    EXPECT_NE(s.counts.find(" 1 files: 1 ok (1 with warnings), 0 failed in "), std::string::npos) << r.err;
    EXPECT_TRUE(s.other.empty()) << "a warning broken over several lines:\n" << r.err;
    EXPECT_FALSE(cv::imread((scratch / "out/two_warnings.png").string()).empty());
}

}  // namespace
