#include "image_header.hpp"

#include <exiv2/exiv2.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>

namespace pixpool::detail {

namespace {

/// Exiv2 reports what it dislikes on stderr unless told not to; a worker's
/// stderr is for its logger. Problems surface through the decoder instead.
void quiet_exiv2() {
    static const bool done = [] {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        return true;
    }();
    (void)done;
}

/// Where reading a declared dimension stops counting: far past any real
/// image, and short of overflowing. The comparison with the pixel limit
/// divides, so a product of two such values never overflows.
constexpr std::uint64_t kDimensionCap = 999'999'999'999;

/// A decimal number in ASCII, capped; false if there is none.
bool parse_count(const std::string& text, std::uint64_t& value) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); }))
        return false;
    value = 0;
    for (char c : text) value = std::min(kDimensionCap, value * 10 + std::uint64_t(c - '0'));
    return true;
}

/// The next whitespace-separated token of a Netpbm header, skipping '#' comments.
std::string netpbm_token(std::istream& in) {
    std::string token;
    for (int c; (c = in.get()) != EOF;) {
        if (c == '#' && token.empty()) {
            while ((c = in.get()) != EOF && c != '\n' && c != '\r') {}
        } else if (std::isspace(c)) {
            if (!token.empty()) break;
        } else {
            token.push_back(static_cast<char>(c));
            if (token.size() > 24) break;
        }
    }
    return token;
}

/// PBM, PGM, PPM (P1..P6) and PFM (PF, Pf): "P6 <width> <height> ...".
bool netpbm_size(std::istream& in, ImageHeader& header) {
    return parse_count(netpbm_token(in), header.width) && parse_count(netpbm_token(in), header.height);
}

/// PAM (P7): "WIDTH w" and "HEIGHT h" lines before "ENDHDR".
bool pam_size(std::istream& in, ImageHeader& header) {
    std::string line;
    for (int lines = 0; lines < 64 && std::getline(in, line); ++lines) {
        std::istringstream words(line);
        std::string key, value;
        words >> key >> value;
        if (key == "WIDTH") parse_count(value, header.width);
        if (key == "HEIGHT") parse_count(value, header.height);
        if (key == "ENDHDR") break;
    }
    return header.width > 0 && header.height > 0;
}

/// Radiance HDR: header lines up to an empty line, then "-Y <rows> +X <cols>"
/// (or another of its eight orientations).
bool radiance_size(std::istream& in, ImageHeader& header) {
    std::string line;
    int lines = 0;
    while (std::getline(in, line) && !line.empty() && line != "\r") {
        if (++lines > 256) return false;
    }
    if (!std::getline(in, line)) return false;
    std::istringstream words(line);
    std::string axis[2], count[2];
    words >> axis[0] >> count[0] >> axis[1] >> count[1];
    for (int i = 0; i < 2; ++i) {
        if (axis[i].size() != 2 || (axis[i][0] != '-' && axis[i][0] != '+')) return false;
        std::uint64_t n = 0;
        if (!parse_count(count[i], n)) return false;
        (axis[i][1] == 'Y' ? header.height : header.width) = n;
    }
    return header.width > 0 && header.height > 0;
}

std::uint64_t big_endian_32(const unsigned char* p) {
    return (std::uint64_t(p[0]) << 24) | (std::uint64_t(p[1]) << 16) | (std::uint64_t(p[2]) << 8) | p[3];
}

/// The declared size of the formats OpenCV decodes but Exiv2 does not know
/// (Netpbm, PAM, PFM, Sun raster, Radiance HDR), from their own headers.
void read_other_size(const InputBytes& input, ImageHeader& header) {
    // These headers are text near the start of the file.
    const std::size_t head = std::min<std::size_t>(input.bytes.size(), 1 << 20);
    std::istringstream in(std::string(reinterpret_cast<const char*>(input.bytes.data()), head));
    unsigned char magic[32] = {};
    if (!in.read(reinterpret_cast<char*>(magic), 2)) return;
    ImageHeader found;
    bool known = false;
    if (magic[0] == 'P' && ((magic[1] >= '1' && magic[1] <= '6') || magic[1] == 'F' || magic[1] == 'f')) {
        known = netpbm_size(in, found);
    } else if (magic[0] == 'P' && magic[1] == '7') {
        known = pam_size(in, found);
    } else if (magic[0] == '#' && magic[1] == '?') {
        known = radiance_size(in, found);
    } else if (magic[0] == 0x59 && magic[1] == 0xA6 && in.read(reinterpret_cast<char*>(magic) + 2, 10) &&
               magic[2] == 0x6A && magic[3] == 0x95) {
        found.width = std::min(kDimensionCap, big_endian_32(magic + 4));
        found.height = std::min(kDimensionCap, big_endian_32(magic + 8));
        known = true;
    }
    if (known) {
        header.width = found.width;
        header.height = found.height;
    }
}

}  // namespace

ImageHeader read_header(const InputBytes& input) {
    quiet_exiv2();
    ImageHeader header;
    try {
        auto image = Exiv2::ImageFactory::open(input.bytes.data(), static_cast<long>(input.bytes.size()));
        if (image.get()) {
            image->readMetadata();
            header.width = static_cast<std::uint64_t>(std::max(0, image->pixelWidth()));
            header.height = static_cast<std::uint64_t>(std::max(0, image->pixelHeight()));
            Exiv2::ExifData& exif = image->exifData();
            auto tag = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
            if (tag != exif.end() && tag->count() > 0) {
                long value = tag->toLong();
                if (value >= 1 && value <= 8) header.orientation = static_cast<int>(value);
            }
        }
    } catch (...) {
        // Not a format Exiv2 knows, or a damaged header: the decoder decides.
    }
    if (header.width == 0 || header.height == 0) {
        try {
            read_other_size(input, header);
        } catch (...) {
            // An unreadable header: the decoder says what is wrong.
        }
    }
    return header;
}

}  // namespace pixpool::detail
