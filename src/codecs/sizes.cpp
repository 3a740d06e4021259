/// The size checks every codec shares: the pixel limit, read from the
/// codec's own header before a pixel is allocated, and the DCT-style
/// reduction that shrink-on-load may use.

#include "codecs.hpp"

#include <cstdio>

namespace pixpool::detail {
namespace {

/// "900", "0.03" or "0.0010": whole megapixels once they are many, never a bare 0.00.
std::string megapixels(double pixels) {
    char text[32];
    std::snprintf(text, sizeof text, pixels >= 1e7 ? "%.0f" : pixels >= 1e4 ? "%.2f" : "%.4f", pixels / 1e6);
    return text;
}


int divided_up(int size, int denominator) { return (size + denominator - 1) / denominator; }

}  // namespace

void refuse_bombs(const std::string& path, std::uint64_t width, std::uint64_t height, std::uint64_t max_pixels) {
    // Compared by division: a header may declare sizes whose product overflows.
    if (max_pixels == 0 || width == 0 || height <= max_pixels / width) return;
    throw ImageError(path + ": refused: " + std::to_string(width) + "x" + std::to_string(height) + " is " +
                     megapixels(double(width) * double(height)) + " megapixels, over the limit of " +
                     megapixels(double(max_pixels)) + " (--max-pixels)");
}

int shrink_denominator(cv::Size stored, cv::Size at_least) {
    for (int denominator : {8, 4, 2}) {
        if (divided_up(stored.width, denominator) >= at_least.width &&
            divided_up(stored.height, denominator) >= at_least.height)
            return denominator;
    }
    return 1;
}

}  // namespace pixpool::detail
