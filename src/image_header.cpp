#include "image_header.hpp"

#include "header_size.hpp"

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

ImageHeader read_header(const InputBytes& input) {
    quiet_exiv2();
    const std::string_view bytes(reinterpret_cast<const char*>(input.bytes.data()), input.bytes.size());
    ImageHeader header;
    const DeclaredSize size = declared_size(bytes);
    header.width = size.width;
    header.height = size.height;
    header.size_unreadable = !size.known() && size.reader == HeaderReader::opencv;
    if (bytes.size() > 2 && bytes.compare(0, 2, "\xFF\xD8") == 0) header.jpeg_scans = count_jpeg_scans(bytes);
    try {
        // The orientation from Exiv2, which knows EXIF in every container;
        // on a PNG with only the first text chunks (a zTXt bomb is slow here too).
        const std::string capped = png_with_text_capped(bytes, kTextChunksRead);
        auto image = capped.empty()
                         ? Exiv2::ImageFactory::open(input.bytes.data(), static_cast<long>(input.bytes.size()))
                         : Exiv2::ImageFactory::open(reinterpret_cast<const Exiv2::byte*>(capped.data()),
                                                     static_cast<long>(capped.size()));
        if (image.get()) {
            image->readMetadata();
            Exiv2::ExifData& exif = image->exifData();
            auto tag = exif.findKey(Exiv2::ExifKey("Exif.Image.Orientation"));
            if (tag != exif.end() && tag->count() > 0) {
                long value = tag->toLong();
                if (value >= 1 && value <= 8) header.orientation = static_cast<int>(value);
            }
        }
    } catch (...) {
        // Not a format Exiv2 knows, or damaged metadata: no orientation to apply.
    }
    return header;
}

}  // namespace pixpool::detail
