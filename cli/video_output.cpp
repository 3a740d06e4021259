#include "video_output.hpp"

#include "batch_options.hpp"

#include <opencv2/imgproc.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <stdexcept>

namespace fs = std::filesystem;

namespace pixpool::cli {

int fourcc_for(const std::string& output, const std::string& codec) {
    if (!codec.empty()) {
        if (codec.size() != 4) throw UsageError("--codec takes a FourCC of 4 characters (e.g. mp4v, MJPG), not '" + codec + "'");
        return cv::VideoWriter::fourcc(codec[0], codec[1], codec[2], codec[3]);
    }
    static const std::map<std::string, std::string> by_extension = {
        {"mp4", "mp4v"}, {"m4v", "mp4v"}, {"mov", "mp4v"}, {"mkv", "mp4v"}, {"avi", "MJPG"}, {"webm", "VP80"}};
    std::string ext = fs::path(output).extension().string();
    if (!ext.empty()) ext.erase(0, 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const auto it = by_extension.find(ext);
    if (it == by_extension.end()) {
        throw UsageError(output + ": unknown video extension '" + ext +
                         "' (known: mp4, m4v, mov, mkv, avi, webm; or give --codec)");
    }
    return fourcc_for(output, it->second);
}

VideoOutput::VideoOutput(std::string path, int fourcc, double fps)
    : path_(std::move(path)), fourcc_(fourcc), fps_(fps) {
    // Beside the output (same filesystem, so the rename is atomic), with its
    // extension, from which the writer picks the container.
    const fs::path out(path_);
    temporary_ = (out.parent_path() / ("." + out.stem().string() + ".pixpool-tmp-" + std::to_string(::getpid()) +
                                       out.extension().string()))
                     .string();
}

VideoOutput::~VideoOutput() {
    if (kept_) return;
    writer_.release();
    std::error_code ec;
    fs::remove(temporary_, ec);
}

std::string VideoOutput::write(const cv::Mat& frame) {
    cv::Mat bgr = frame;
    if (frame.depth() != CV_8U) frame.convertTo(bgr, CV_8U, frame.depth() == CV_16U ? 1.0 / 257 : 255.0);
    if (bgr.channels() == 4) cv::cvtColor(bgr, bgr, cv::COLOR_BGRA2BGR);
    if (!writer_.isOpened()) {
        size_ = bgr.size();
        color_ = bgr.channels() == 3;
        if (!writer_.open(temporary_, cv::CAP_FFMPEG, fourcc_, fps_, size_, color_)) {
            throw std::runtime_error(path_ + ": cannot write a video here (OpenCV's FFmpeg writer refused the "
                                     "folder, the container or the codec)");
        }
    }
    if (bgr.size() != size_) {
        return "a " + std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) + " result, but the video is " +
               std::to_string(size_.width) + "x" + std::to_string(size_.height);
    }
    if (!color_ && bgr.channels() == 3) cv::cvtColor(bgr, bgr, cv::COLOR_BGR2GRAY);
    if (color_ && bgr.channels() == 1) cv::cvtColor(bgr, bgr, cv::COLOR_GRAY2BGR);
    writer_.write(bgr);
    ++written_;
    return "";
}

bool VideoOutput::keep() {
    writer_.release();  // writes the trailer: the file is playable from here on
    if (written_ == 0) return false;
    std::error_code ec;
    fs::rename(temporary_, path_, ec);
    if (ec) throw std::runtime_error(path_ + ": cannot write: " + ec.message());
    kept_ = true;
    return true;
}

}  // namespace pixpool::cli
