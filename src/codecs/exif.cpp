/// The one EXIF fact decoding needs, the orientation, read with Exiv2 from
/// the EXIF block a codec found in memory (no file is opened), and turning
/// pixels upright from it with the auto_orient filter.

#include "codecs.hpp"

#include <pixpool/filters.hpp>

#include <exiv2/exiv2.hpp>

namespace pixpool::detail {

int exif_orientation(std::string_view tiff_block) {
    // Exiv2 reports what it dislikes on stderr unless told not to; a
    // worker's stderr is for its logger.
    static const bool quiet = [] {
        Exiv2::LogMsg::setLevel(Exiv2::LogMsg::mute);
        return true;
    }();
    (void)quiet;
    try {
        Exiv2::ExifData exif;
        Exiv2::ExifParser::decode(exif, reinterpret_cast<const Exiv2::byte*>(tiff_block.data()),
                                  static_cast<uint32_t>(tiff_block.size()));
        auto tag = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
        if (tag == exif.end() || tag->count() == 0) return 1;
        const long value = tag->toLong();
        return value >= 1 && value <= 8 ? static_cast<int>(value) : 1;
    } catch (...) {
        return 1;  // damaged EXIF: the pixels are still worth having as stored
    }
}

cv::Mat turned_upright(const cv::Mat& image, int orientation) {
    if (orientation == 1) return image;
    static const filters::Filter* auto_orient = filters::find("auto_orient");
    filters::Values values;
    values.set("orientation", std::to_string(orientation));
    return auto_orient->apply(image, values);
}

}  // namespace pixpool::detail
