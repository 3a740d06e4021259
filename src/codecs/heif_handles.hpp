#pragma once
/// libheif's objects owned by std::unique_ptr, for heif.cpp and
/// heif_encode.cpp. Private to pixpool_src.

#include <libheif/heif.h>

#include <memory>

namespace pixpool::detail {

struct FreeHeif {
    void operator()(heif_context* c) const { heif_context_free(c); }
    void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
    void operator()(heif_image* i) const { heif_image_release(i); }
    void operator()(heif_decoding_options* o) const { heif_decoding_options_free(o); }
    void operator()(heif_encoder* e) const { heif_encoder_release(e); }
    void operator()(heif_encoding_options* o) const { heif_encoding_options_free(o); }
};
template <typename T>
using Heif = std::unique_ptr<T, FreeHeif>;

}  // namespace pixpool::detail
