#include "image_header.hpp"

#include <exiv2/exiv2.hpp>

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

}  // namespace

ImageHeader read_header(const std::string& path) {
    quiet_exiv2();
    ImageHeader header;
    try {
        auto image = Exiv2::ImageFactory::open(path, /*useCurl=*/false);
        if (!image.get()) return header;
        image->readMetadata();
        header.width = static_cast<std::uint64_t>(std::max(0, image->pixelWidth()));
        header.height = static_cast<std::uint64_t>(std::max(0, image->pixelHeight()));
        Exiv2::ExifData& exif = image->exifData();
        auto tag = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
        if (tag != exif.end() && tag->count() > 0) {
            long value = tag->toLong();
            if (value >= 1 && value <= 8) header.orientation = static_cast<int>(value);
        }
    } catch (const std::exception&) {
        // Not a format Exiv2 knows, or a damaged header: the decoder decides.
    }
    return header;
}

}  // namespace pixpool::detail
