/// Declared sizes of the formats OpenCV 4.6 decodes with its own code,
/// following its readHeader for each (modules/imgcodecs/src/grfmt_*.cpp,
/// rgbe.cpp) so that what is checked is what will be allocated. No caps on
/// comment or header lines: they only cost a walk over bytes already in
/// memory, and a cap is exactly what let oversized files through before.

#include "header_size.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>

namespace pixpool::detail {
namespace {

/// Reads bytes in order; past the end every read gives -1, like OpenCV's streams throwing.
class Bytes {
public:
    explicit Bytes(std::string_view bytes, std::size_t at = 0) : bytes_(bytes), at_(at) {}
    int get() { return at_ < bytes_.size() ? static_cast<unsigned char>(bytes_[at_++]) : -1; }
    bool has(std::size_t n) const { return bytes_.size() - std::min(at_, bytes_.size()) >= n; }
    std::uint64_t little(int n) {
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v |= std::uint64_t(get() & 0xFF) << (8 * i);
        return v;
    }
    std::uint64_t big(int n) {
        std::uint64_t v = 0;
        for (int i = 0; i < n; ++i) v = (v << 8) | std::uint64_t(get() & 0xFF);
        return v;
    }
    /// The next line as fgets(buffer, size) would give it: at most size-1
    /// characters, the newline kept; empty at the end.
    std::string fgets_line(std::size_t size) {
        std::string line;
        for (int c; line.size() + 1 < size && (c = get()) != -1;) {
            line.push_back(static_cast<char>(c));
            if (c == '\n') break;
        }
        return line;
    }
    void skip(std::size_t n) { at_ += n; }

private:
    std::string_view bytes_;
    std::size_t at_;
};

constexpr std::int64_t kNumberCap = 999'999'999'999;

/// grfmt_pxm.cpp ReadNumber: skips blanks and '#' comments, then digits;
/// the byte after the digits is consumed. -1 where OpenCV would fail to
/// find a number; a number past INT_MAX (which OpenCV refuses) is capped
/// far above any limit instead, so the message can say how big it claims to be.
std::int64_t pxm_number(Bytes& in) {
    int c = in.get();
    while (c != -1 && !std::isdigit(c)) {
        if (c == '#') {
            do c = in.get(); while (c != -1 && c != '\n' && c != '\r');
            c = in.get();
        } else if (std::isspace(c)) {
            while (c != -1 && std::isspace(c)) c = in.get();
        } else {
            return -1;  // "PXM: Unexpected code in ReadNumber()"
        }
    }
    if (c == -1) return -1;
    std::int64_t value = 0;
    do {
        value = std::min<std::int64_t>(value * 10 + (c - '0'), kNumberCap);
        c = in.get();
    } while (c != -1 && std::isdigit(c));
    return value;
}

DeclaredSize netpbm_size(std::string_view bytes) {
    Bytes in(bytes, 2);
    const std::int64_t width = pxm_number(in), height = pxm_number(in);
    if (width <= 0 || height <= 0) return {};
    return {std::uint64_t(width), std::uint64_t(height)};
}

/// grfmt_pam.cpp: "KEY value" lines up to ENDHDR, '#' lines are comments.
DeclaredSize pam_size(std::string_view bytes) {
    Bytes in(bytes, 2);
    DeclaredSize size;
    for (std::string line = in.fgets_line(bytes.size() + 1); !line.empty(); line = in.fgets_line(bytes.size() + 1)) {
        std::size_t at = line.find_first_not_of(" \t\r\n");
        if (at == std::string::npos || line[at] == '#') continue;
        const std::size_t key_end = line.find_first_of(" \t\r\n", at);
        const std::string key = line.substr(at, key_end - at);
        if (key == "ENDHDR") return size;
        Bytes value(std::string_view(line).substr(key_end == std::string::npos ? line.size() : key_end));
        if (key == "WIDTH" || key == "HEIGHT") {
            const std::int64_t n = pxm_number(value);
            if (n <= 0) return {};
            (key == "WIDTH" ? size.width : size.height) = std::uint64_t(n);
        }
    }
    return {};  // no ENDHDR: OpenCV refuses the header
}

/// rgbe.cpp RGBE_ReadHeader: lines of at most 127 bytes (fgets with 128)
/// up to "FORMAT=32-bit_rle_rgbe", then a blank line, then "-Y h +X w".
DeclaredSize radiance_size(std::string_view bytes) {
    Bytes in(bytes);
    std::string line = in.fgets_line(128);
    if (line.size() < 2 || line[0] != '#' || line[1] != '?') return {};
    for (line = in.fgets_line(128);; line = in.fgets_line(128)) {
        if (line.empty() || line == "\n") return {};  // "no FORMAT specifier found"
        if (line == "FORMAT=32-bit_rle_rgbe\n") break;
    }
    if (in.fgets_line(128) != "\n") return {};
    line = in.fgets_line(128);
    int height = 0, width = 0;
    if (std::sscanf(line.c_str(), "-Y %d +X %d", &height, &width) < 2 || width <= 0 || height <= 0) return {};
    return {std::uint64_t(width), std::uint64_t(height)};
}

/// grfmt_bmp.cpp: the info header's width and height (negative: top-down,
/// the same number of rows).
DeclaredSize bmp_size(std::string_view bytes) {
    Bytes in(bytes, 14);
    if (!in.has(12)) return {};
    const std::uint64_t header = in.little(4);
    std::int64_t width = 0, height = 0;
    if (header >= 36 && header < 0x80000000u) {
        width = static_cast<std::int32_t>(in.little(4));
        height = static_cast<std::int32_t>(in.little(4));
    } else if (header == 12) {
        width = static_cast<std::int16_t>(in.little(2));
        height = static_cast<std::int16_t>(in.little(2));
    }
    if (height < 0) height = -height;
    if (width <= 0 || height <= 0) return {};
    return {std::uint64_t(width), std::uint64_t(height)};
}

DeclaredSize sun_raster_size(std::string_view bytes) {
    Bytes in(bytes, 4);
    if (!in.has(8)) return {};
    const std::uint64_t width = in.big(4), height = in.big(4);
    return {width, height};
}

/// JPEG 2000: a JP2 file's ihdr box (height, then width), or a raw
/// codestream's SIZ marker (extent minus offset).
DeclaredSize jpeg2000_size(std::string_view bytes) {
    if (bytes.size() >= 4 && bytes.compare(0, 4, "\xFF\x4F\xFF\x51") == 0) {
        Bytes siz(bytes, 8);
        if (!siz.has(16)) return {};
        const std::uint64_t x = siz.big(4), y = siz.big(4), x0 = siz.big(4), y0 = siz.big(4);
        if (x <= x0 || y <= y0) return {};
        return {x - x0, y - y0};
    }
    const std::size_t ihdr = bytes.find("ihdr");
    if (ihdr == std::string_view::npos) return {};
    Bytes in(bytes, ihdr + 4);
    if (!in.has(8)) return {};
    const std::uint64_t height = in.big(4), width = in.big(4);
    return {width, height};
}

/// OpenEXR: the header's dataWindow attribute (box2i: xMin yMin xMax yMax).
DeclaredSize exr_size(std::string_view bytes) {
    Bytes in(bytes, 8);
    for (;;) {
        std::string name, type;
        for (int c; (c = in.get()) > 0;) name.push_back(static_cast<char>(c));
        if (name.empty()) return {};
        for (int c; (c = in.get()) > 0;) type.push_back(static_cast<char>(c));
        if (!in.has(4)) return {};
        const std::uint64_t size = in.little(4);
        if (name == "dataWindow" && type == "box2i" && size == 16 && in.has(16)) {
            const auto x0 = static_cast<std::int32_t>(in.little(4)), y0 = static_cast<std::int32_t>(in.little(4));
            const auto x1 = static_cast<std::int32_t>(in.little(4)), y1 = static_cast<std::int32_t>(in.little(4));
            if (x1 < x0 || y1 < y0) return {};
            return {std::uint64_t(std::int64_t(x1) - x0 + 1), std::uint64_t(std::int64_t(y1) - y0 + 1)};
        }
        if (!in.has(size)) return {};
        in.skip(size);
    }
}

bool starts_with(std::string_view bytes, std::string_view magic) {
    return bytes.size() >= magic.size() && bytes.compare(0, magic.size(), magic) == 0;
}

/// The reader for the magic number of a format OpenCV decodes itself.
DeclaredSize (*opencv_reader(std::string_view bytes))(std::string_view) {
    if (bytes.size() < 3) return nullptr;
    const char kind = bytes[1];
    if (bytes[0] == 'P' && kind >= '1' && kind <= '6' && std::isspace(static_cast<unsigned char>(bytes[2])))
        return netpbm_size;
    if (bytes[0] == 'P' && (kind == 'F' || kind == 'f')) return netpbm_size;  // PFM: "PF w h scale"
    if (starts_with(bytes, "P7")) return pam_size;
    if (starts_with(bytes, "#?")) return radiance_size;
    if (starts_with(bytes, "BM")) return bmp_size;
    if (starts_with(bytes, "\x59\xA6\x6A\x95")) return sun_raster_size;
    if (starts_with(bytes, "\xFF\x4F\xFF\x51") || starts_with(bytes, std::string_view("\0\0\0\x0CjP  \r\n\x87\n", 12)))
        return jpeg2000_size;
    if (starts_with(bytes, "\x76\x2F\x31\x01")) return exr_size;
    // DICOM (OpenCV's GDCM decoder): no reader here, so always refused under a limit.
    if (bytes.size() >= 132 && bytes.compare(128, 4, "DICM") == 0) return [](std::string_view) { return DeclaredSize{}; };
    return nullptr;
}

}  // namespace

DeclaredSize opencv_format_size(std::string_view bytes) {
    const auto reader = opencv_reader(bytes);
    if (!reader) return {};
    DeclaredSize size = reader(bytes);
    size.reader = HeaderReader::opencv;
    return size;
}

}  // namespace pixpool::detail
