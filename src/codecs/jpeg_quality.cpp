/// A JPEG's quality (1..100), estimated as ImageMagick does: the luminance
/// quantisation table is compared with the table libjpeg itself makes at
/// each quality (the IJG standard table scaled per quality), and the
/// closest wins. libjpeg makes the tables, so none is copied here.

#include "codecs.hpp"

#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <jpeglib.h>

#include <array>
#include <cstdlib>

namespace pixpool::detail {
namespace {

using Table = std::array<std::uint16_t, 64>;

/// The luminance table libjpeg writes at quality 1..100 (index q - 1), in
/// natural order, as a decoder's quant_tbl_ptrs[0] holds it. Built once per
/// process: 100 calls of jpeg_set_quality, no image.
const std::array<Table, 100>& ijg_luminance_tables() {
    static const std::array<Table, 100> tables = [] {
        std::array<Table, 100> made{};
        jpeg_compress_struct info{};
        jpeg_error_mgr errors{};
        info.err = jpeg_std_error(&errors);
        jpeg_create_compress(&info);
        for (int q = 1; q <= 100; ++q) {
            jpeg_set_quality(&info, q, /*force_baseline=*/TRUE);
            for (int i = 0; i < 64; ++i) made[q - 1][i] = info.quant_tbl_ptrs[0]->quantval[i];
        }
        jpeg_destroy_compress(&info);
        return made;
    }();
    return tables;
}

}  // namespace

int estimate_jpeg_quality(const std::uint16_t* luminance) {
    if (!luminance) return 0;
    int best = 0;
    long best_distance = -1;
    const auto& tables = ijg_luminance_tables();
    for (int q = 100; q >= 1; --q) {
        long distance = 0;
        for (int i = 0; i < 64; ++i) distance += std::labs(long(luminance[i]) - long(tables[q - 1][i]));
        if (best_distance < 0 || distance < best_distance) {
            best = q;
            best_distance = distance;
        }
    }
    return best;
}

}  // namespace pixpool::detail
