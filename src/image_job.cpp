/// The image job as a whole: one file through decode, filters and write, and
/// the master's helpers that decide which files to read and where outputs go.

#include "detail.hpp"

#include <opencv2/core/ocl.hpp>

#include <malloc.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <set>
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

/// Runs the chain, giving its errors the file name: a FilterError's message
/// names the filter and the problem but not which of many files it hit.
cv::Mat apply_chain(const filters::Chain& chain, const cv::Mat& image, const std::string& input) {
    try {
        return chain.apply(image);
    } catch (const filters::FilterError& e) {
        throw ImageError(input + ": " + e.what());
    } catch (const cv::Exception& e) {
        throw ImageError(input + ": filter failed: " + e.err);
    }
}

}  // namespace

ImageOutcome process_image(const ImageTask& task, const filters::Chain& chain, const OutputOptions& output,
                           const ReadOptions& read) {
    ImageOutcome outcome;
    const auto start = Clock::now();
    const cv::Mat image = read_image(task.input, read, &outcome.warnings);
    const auto decoded = Clock::now();
    const cv::Mat result = apply_chain(chain, image, task.input);
    const auto filtered = Clock::now();
    write_image_atomically(result, task.output, output);
    const auto written = Clock::now();

    // The size of what was written: a resizing filter changes it.
    outcome.width = result.cols;
    outcome.height = result.rows;
    outcome.decode_ms = ms_between(start, decoded);
    outcome.filter_ms = ms_between(decoded, filtered);
    outcome.encode_ms = ms_between(filtered, written);
    return outcome;
}

std::string output_path_for(const std::string& input, const std::string& out_dir, const OutputOptions& output) {
    fs::path name = fs::path(input).filename();
    if (!output.format.empty()) {
        std::string format = output.format;
        if (format.front() == '.') format.erase(0, 1);
        name.replace_extension("." + format);
    }
    return (fs::path(out_dir) / (output.prefix + name.string())).string();
}

bool has_image_extension(const std::string& path) {
    // What OpenCV 4.6's imread decodes here (Debian build: JPEG, PNG, WebP,
    // TIFF, JPEG 2000, OpenEXR, Radiance HDR, Sun raster, PNM/PAM, PFM).
    static const std::set<std::string> known = {
        "jpg", "jpeg", "jpe", "png", "webp", "tif", "tiff", "bmp", "dib", "jp2",
        "exr", "hdr", "pic", "sr",   "ras",  "pbm", "pgm", "ppm", "pnm", "pxm", "pam", "pfm"};
    return known.count(detail::lower_extension(path)) > 0;
}

namespace {

/// Hidden entries are skipped, files and folders alike: they are editor or
/// OS debris ("._a.jpg" from macOS, ".thumbnails/"), version control, or
/// our own temporary files.
bool is_hidden(const fs::directory_entry& entry) {
    const std::string name = entry.path().filename().string();
    return !name.empty() && name.front() == '.';
}

bool is_image_file(const fs::directory_entry& entry) {
    std::error_code ec;
    return entry.is_regular_file(ec) && has_image_extension(entry.path().filename().string());
}

/// Keeps a recursive walk out of hidden folders; a flat listing has nothing to skip.
void skip_hidden_folder(fs::recursive_directory_iterator& it) { it.disable_recursion_pending(); }
void skip_hidden_folder(fs::directory_iterator&) {}

/// The image files of one folder. Paths come out as `dir` joined with the
/// names found, so they read the way the user typed the folder.
template <typename Iterator>
void list_folder(const std::string& dir, std::vector<std::string>& found) {
    std::error_code ec;
    Iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != Iterator(); it.increment(ec)) {
        if (is_hidden(*it)) {
            skip_hidden_folder(it);
        } else if (is_image_file(*it)) {
            found.push_back(it->path().string());
        }
    }
    // A folder the user named but that cannot be listed is not a per-file
    // problem: there is no file to blame, so stop with the folder's reason.
    if (ec) throw ImageError(dir + ": cannot list folder: " + ec.message());
}

/// The key under which two spellings of one file ("a/../b.jpg", "./b.jpg")
/// are the same input.
std::string identity_of(const std::string& path) {
    std::error_code ec;
    const fs::path absolute = fs::absolute(path, ec);
    return (ec ? fs::path(path) : absolute).lexically_normal().string();
}

}  // namespace

std::vector<std::string> collect_inputs(const std::vector<std::string>& inputs, bool recursive) {
    std::vector<std::string> found;
    for (const std::string& input : inputs) {
        std::error_code ec;
        if (!fs::is_directory(input, ec)) {
            found.push_back(input);  // a file, or missing: its task says what is wrong
        } else if (recursive) {
            list_folder<fs::recursive_directory_iterator>(input, found);
        } else {
            list_folder<fs::directory_iterator>(input, found);
        }
    }
    std::sort(found.begin(), found.end());
    std::set<std::string> seen;
    std::vector<std::string> unique;
    for (std::string& path : found) {
        if (seen.insert(identity_of(path)).second) unique.push_back(std::move(path));
    }
    return unique;
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
