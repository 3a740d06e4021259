#pragma once
/// The image formats pixpool knows, declared once: which file extensions
/// (and aliases such as jpeg/jpe/tif) name each, whether pixpool reads and
/// writes it, and what it can hold. Input collection, output naming, the
/// encoder, metadata and `pixpool formats` all read this one table.

#include <string>
#include <vector>

namespace pixpool {

struct Format {
    std::string name;                     ///< what users call it: "JPEG"
    std::vector<std::string> extensions;  ///< lower case, no dot; the first is what outputs get
    bool readable = true;
    bool writable = false;                ///< can be an output (`--format`)
    bool sixteen_bit = false;             ///< keeps 16 bits per channel (else 16-bit is scaled to 8)
    bool alpha = false;                   ///< keeps an alpha channel (else it is dropped)
    bool metadata = false;                ///< holds an ICC profile, EXIF and XMP (an output gets its input's)
    /// The encoder puts the metadata into the file itself (libheif, for
    /// AVIF and HEIC), instead of Exiv2 into the encoded bytes after it.
    bool metadata_by_encoder = false;
};

/// Every format, writable ones first.
const std::vector<Format>& formats();

/// The format named by an extension or alias ("JPG", ".jpeg", "tif"),
/// case-insensitive; nullptr when unknown.
const Format* find_format(const std::string& name_or_extension);

/// The format of a file, from its extension; nullptr when unknown.
const Format* format_of_path(const std::string& path);

/// "jpg, jpeg, jpe, png, ...": every extension of the formats that are
/// readable (or, with `writable_only`, writable), for messages and help.
std::string format_extensions(bool writable_only);

}  // namespace pixpool
