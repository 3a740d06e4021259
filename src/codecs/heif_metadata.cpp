/// The ICC profile, EXIF and XMP of a HEIF's primary image, from memory
/// with libheif. The container is parsed but nothing is decoded.

#include "heif_metadata.hpp"
#include "heif_handles.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace pixpool::detail {
namespace {

/// libheif's text, "" for none.
std::string text(const char* value) { return value ? value : ""; }

/// The bytes of metadata block `id`.
std::string block(const heif_image_handle* handle, heif_item_id id) {
    std::string data(heif_image_handle_get_metadata_size(handle, id), '\0');
    const heif_error error = heif_image_handle_get_metadata(handle, id, data.data());
    if (error.code != heif_error_Ok)
        throw std::runtime_error(std::string("cannot read a metadata block: ") +
                                 (error.message && *error.message ? error.message : "libheif failed"));
    return data;
}

/// An EXIF item starts with the offset of its TIFF header, 4 bytes big
/// endian, counted from the end of those 4 (ISO/IEC 23008-12 A.2.1).
std::string tiff_of_exif_item(const std::string& item) {
    if (item.size() < 4) throw std::runtime_error("the EXIF block is too short");
    const std::uint32_t offset = std::uint32_t(static_cast<unsigned char>(item[0])) << 24 |
                                 std::uint32_t(static_cast<unsigned char>(item[1])) << 16 |
                                 std::uint32_t(static_cast<unsigned char>(item[2])) << 8 |
                                 std::uint32_t(static_cast<unsigned char>(item[3]));
    if (offset >= item.size() - 4) throw std::runtime_error("the EXIF block's TIFF header is past its end");
    return item.substr(4 + offset);
}

}  // namespace

std::string heif_icc_profile(const heif_image_handle* handle) {
    const auto type = heif_image_handle_get_color_profile_type(handle);
    if (type != heif_color_profile_type_prof && type != heif_color_profile_type_rICC) return {};
    std::string icc(heif_image_handle_get_raw_color_profile_size(handle), '\0');
    if (icc.empty() || heif_image_handle_get_raw_color_profile(handle, icc.data()).code != heif_error_Ok) return {};
    return icc;
}

HeifMetadata read_heif_metadata(std::string_view bytes) {
    HeifMetadata out;
    Heif<heif_context> context(heif_context_alloc());
    if (!context) throw std::runtime_error("out of memory");
    heif_image_handle* raw_handle = nullptr;
    if (heif_context_read_from_memory_without_copy(context.get(), bytes.data(), bytes.size(), nullptr).code !=
            heif_error_Ok ||
        heif_context_get_primary_image_handle(context.get(), &raw_handle).code != heif_error_Ok)
        return out;
    Heif<heif_image_handle> handle(raw_handle);
    out.icc = heif_icc_profile(handle.get());
    const int count = heif_image_handle_get_number_of_metadata_blocks(handle.get(), nullptr);
    std::vector<heif_item_id> ids(std::size_t(std::max(count, 0)));
    heif_image_handle_get_list_of_metadata_block_IDs(handle.get(), nullptr, ids.data(), count);
    for (const heif_item_id id : ids) {
        const std::string type = text(heif_image_handle_get_metadata_type(handle.get(), id));
        const std::string content = text(heif_image_handle_get_metadata_content_type(handle.get(), id));
        if (type == "Exif" && out.exif.empty()) out.exif = tiff_of_exif_item(block(handle.get(), id));
        if (type == "mime" && content == "application/rdf+xml" && out.xmp.empty()) out.xmp = block(handle.get(), id);
    }
    return out;
}

}  // namespace pixpool::detail
