/// The image job as a whole: one file through decode, filters and write, and
/// the master's helpers that decide which files to read and where outputs go.

#include "decoded_input.hpp"
#include "detail.hpp"
#include "input_file.hpp"
#include "metadata.hpp"

#include <pixpool/formats.hpp>

#include <opencv2/core/ocl.hpp>

#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <utility>

namespace fs = std::filesystem;

namespace pixpool {

std::string detail::lower_extension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    if (!ext.empty()) ext.erase(0, 1);
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return ext;
}

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point from, Clock::time_point to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

/// A filter that grows the image (pad, resize with upscale, rotate with
/// expand) is held to the pixel limit too, before it allocates.
void refuse_large_output(const filters::Step& step, cv::Size input, std::uint64_t max_pixels,
                         const std::string& file) {
    if (max_pixels == 0 || !step.filter->output_size) return;
    const cv::Size out = step.filter->output_size(input, step.values);
    const std::uint64_t pixels = std::uint64_t(std::max(out.width, 0)) * std::uint64_t(std::max(out.height, 0));
    if (pixels <= max_pixels) return;
    throw ImageError(file + ": " + step.filter->name + ": refused: the output would be " + std::to_string(out.width) +
                     "x" + std::to_string(out.height) + ", " + std::to_string(pixels / 1'000'000) +
                     " megapixels, over the limit of " + std::to_string(max_pixels / 1'000'000) + " (--max-pixels)");
}

/// Runs the chain step by step, giving its errors the file name: a
/// FilterError's message names the filter and the problem but not which of
/// many files it hit.
cv::Mat apply_chain(const filters::Chain& chain, const cv::Mat& image, const std::string& input,
                    std::uint64_t max_pixels) {
    cv::Mat current = image;
    for (const filters::Step& step : chain.steps()) {
        refuse_large_output(step, current.size(), max_pixels, input);
        try {
            current = step.apply(current);
        } catch (const filters::FilterError& e) {
            throw ImageError(input + ": " + e.what());
        } catch (const cv::Exception& e) {
            throw ImageError(input + ": filter failed: " + e.err);
        }
    }
    return current;
}

/// apply_chain on a JPEG's Y, Cb and Cr planes: the chroma planes are
/// stored at half the size each way, so each filter sees them at step 2.
void apply_chain_to_planes(const filters::Chain& chain, std::vector<cv::Mat>& planes, const std::string& input) {
    for (const filters::Step& step : chain.steps()) {
        try {
            for (std::size_t c = 0; c < planes.size(); ++c)
                planes[c] = step.filter->on_plane(planes[c], c == 0 ? 1 : 2, step.values);
        } catch (const filters::FilterError& e) {
            throw ImageError(input + ": " + e.what());
        } catch (const cv::Exception& e) {
            throw ImageError(input + ": filter failed: " + e.err);
        }
    }
}

/// `output`, with the quality of a JPEG input when it asks to match it.
OutputOptions output_for(const OutputOptions& output, const detail::DecodedInput& image, const std::string& path) {
    OutputOptions out = output;
    const bool jpeg_output = find_format(detail::lower_extension(path)) == find_format("jpg");
    if (out.match_input_quality && out.quality < 0 && image.jpeg_quality > 0 && jpeg_output)
        out.quality = image.jpeg_quality;
    return out;
}

}  // namespace

bool detail::runs_on_planes(const filters::Chain& chain, const std::string& output_path,
                            const ReadOptions& options) {
    if (!options.filter_ycbcr || find_format(lower_extension(output_path)) != find_format("jpg")) return false;
    return std::all_of(chain.steps().begin(), chain.steps().end(),
                       [](const filters::Step& step) { return step.filter->on_plane != nullptr; });
}

ImageOutcome process_image(const ImageTask& task, const filters::Chain& chain, const OutputOptions& output,
                           const ReadOptions& read) {
    ImageOutcome outcome;
    const auto start = Clock::now();
    // Read once: the pixels, the metadata and the identity the journal
    // records all come from this one read of the file.
    const detail::InputBytes input = detail::read_input_file(task.input);
    outcome.input = input.identity;
    // A JPEG to JPEG through filters that allow it is filtered in its own
    // YCbCr planes. Otherwise, with shrink-on-load the chain's first resize
    // is done as the image is decoded; `image.rest` is what is left of the chain.
    detail::DecodedInput image;
    const bool planes = detail::runs_on_planes(chain, task.output, read) &&
                        detail::decode_input_planes(input, read, image, &outcome.warnings);
    if (!planes) image = detail::decode_input(input, read, &chain, &outcome.warnings);
    // The ICC profile always goes along (without it colours shift), EXIF and
    // XMP with keep_metadata; not read at all for a format that holds none.
    // Where the codec already found the profile, Exiv2 is not run at all.
    ImageMetadata metadata;
    if (detail::format_holds_metadata(detail::lower_extension(task.output))) {
        if (image.icc_known && !output.keep_metadata) {
            metadata.icc = image.icc;
        } else {
            metadata = detail::read_metadata(input, output.keep_metadata, read.auto_orient, &outcome.warnings);
        }
    }
    const auto decoded = Clock::now();
    cv::Mat result;
    if (planes) {
        apply_chain_to_planes(chain, image.planes, task.input);
    } else {
        result = apply_chain(image.rest, image.image, task.input, read.max_pixels);
    }
    const auto filtered = Clock::now();
    const OutputOptions out = output_for(output, image, task.output);
    if (planes) {
        detail::write_jpeg_planes_atomically(image.planes, task.output, out, metadata);
    } else {
        write_image_atomically(result, task.output, out, metadata);
    }
    const auto written = Clock::now();

    // The size of what was written: a resizing filter changes it.
    const cv::Size size = planes ? image.planes[0].size() : result.size();
    outcome.width = size.width;
    outcome.height = size.height;
    outcome.decode_ms = ms_between(start, decoded);
    outcome.filter_ms = ms_between(decoded, filtered);
    outcome.encode_ms = ms_between(filtered, written);
    return outcome;
}

void prepare_worker_process() {
    cv::setNumThreads(0);
    cv::ocl::setUseOpenCL(false);
    // A worker decodes image after image of similar sizes. By default glibc
    // gives each frame-sized buffer its own fresh mmap and returns it at
    // free(), so every file pays for faulting in new zeroed pages (measured
    // here at about 6 ms per MB). Keeping big blocks on the heap, untrimmed,
    // lets the next file reuse the same pages.
    ::mallopt(M_MMAP_MAX, 0);
    ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

}  // namespace pixpool
