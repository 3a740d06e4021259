/// The format table. pixpool's own codecs (src/codecs/) and OpenCV's
/// imgcodecs do the decoding and encoding; this says which formats pixpool
/// offers and how each behaves.

#include <pixpool/formats.hpp>

#include "detail.hpp"

#include <algorithm>
#include <cctype>

namespace pixpool {

const std::vector<Format>& formats() {
    // pixpool's own codecs (src/codecs/: JPEG, WebP, HEIC/HEIF, AVIF, GIF)
    // and what OpenCV 4.6's imdecode reads in Debian 12's build. Writable:
    // what --format offers (OpenCV could write a few more, which an input in
    // that format keeps without --format; a GIF input is written as PNG).
    //                          name        extensions              read   write  16bit  alpha  metadata  by encoder
    static const std::vector<Format> table = {
        {"JPEG", {"jpg", "jpeg", "jpe"}, true, true, false, false, true},
        {"PNG", {"png"}, true, true, true, true, true},
        {"WebP", {"webp"}, true, true, false, true, true},
        {"TIFF", {"tiff", "tif"}, true, true, true, true, true},
        {"BMP", {"bmp", "dib"}, true, true, false, false, false},
        // Through libheif, which puts the ICC profile, EXIF and XMP in the
        // container itself: Exiv2 0.27 cannot write into a HEIF. Written
        // with 8 bits per channel (heif_encode.cpp).
        {"AVIF", {"avif"}, true, true, false, true, true, true},
        {"HEIC", {"heic", "heif"}, true, true, false, true, true, true},
        {"GIF", {"gif"}, true, false, false, true, false},
        {"JPEG 2000", {"jp2"}, true, false, true, true, false},
        {"OpenEXR", {"exr"}, true, false, false, true, false},
        {"Radiance HDR", {"hdr", "pic"}, true, false, false, false, false},
        {"Sun raster", {"sr", "ras"}, true, false, false, false, false},
        {"Netpbm", {"pbm", "pgm", "ppm", "pnm", "pxm", "pam"}, true, false, true, false, false},
        {"PFM", {"pfm"}, true, false, false, false, false},
    };
    return table;
}

const Format* find_format(const std::string& name_or_extension) {
    std::string key = name_or_extension;
    if (!key.empty() && key.front() == '.') key.erase(0, 1);
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    for (const Format& format : formats()) {
        const auto& exts = format.extensions;
        if (std::find(exts.begin(), exts.end(), key) != exts.end()) return &format;
    }
    return nullptr;
}

const Format* format_of_path(const std::string& path) {
    const std::string ext = detail::lower_extension(path);
    return ext.empty() ? nullptr : find_format(ext);
}

std::string format_extensions(bool writable_only) {
    std::string list;
    for (const Format& format : formats()) {
        if (writable_only && !format.writable) continue;
        for (const auto& ext : format.extensions) list += (list.empty() ? "" : ", ") + ext;
    }
    return list;
}

}  // namespace pixpool
