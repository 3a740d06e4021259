#pragma once
/// `pixpool video`'s output file: encoded with cv::VideoWriter into a
/// temporary file beside OUTPUT, renamed into place when the run ends
/// (complete, or interrupted: then it holds every frame written so far), and
/// removed when the run fails before a frame is written.

#include <opencv2/core.hpp>
#include <opencv2/videoio.hpp>

#include <string>

namespace pixpool::cli {

/// The FourCC for OUTPUT's extension (mp4, m4v, mov, mkv: mp4v; avi: MJPG;
/// webm: VP80), or `codec` when given (4 characters). Throws UsageError for
/// an unknown extension or a codec that is not 4 characters.
int fourcc_for(const std::string& output, const std::string& codec);

class VideoOutput {
public:
    VideoOutput(std::string path, int fourcc, double fps);
    /// Removes the temporary file unless keep() was called.
    ~VideoOutput();
    VideoOutput(const VideoOutput&) = delete;
    VideoOutput& operator=(const VideoOutput&) = delete;

    /// Appends one frame. The first one opens the writer with its size;
    /// returns "" or why this frame could not be written (another size).
    /// Throws std::runtime_error when the writer cannot be opened at all.
    std::string write(const cv::Mat& frame);
    std::size_t frames_written() const { return written_; }
    /// Finishes the file and renames it to the output path. False (and
    /// nothing left behind) when no frame was written.
    bool keep();

private:
    std::string path_, temporary_;
    int fourcc_;
    double fps_;
    cv::VideoWriter writer_;
    cv::Size size_;
    bool color_ = true;
    std::size_t written_ = 0;
    bool kept_ = false;
};

}  // namespace pixpool::cli
