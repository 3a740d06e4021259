/// pixpool-opencv-codecs.so: cv::imdecode and cv::imencode behind the
/// table opencv_module.hpp declares. The only file linked with imgcodecs.

#include "opencv_module.hpp"

#include <opencv2/imgcodecs.hpp>

namespace {

bool decode(std::string_view bytes, int flags, cv::Mat& out, std::string& error) {
    try {
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
        out = cv::imdecode(buffer, flags);
        return true;
    } catch (const cv::Exception& e) {
        // e.what() is a multi-line report with OpenCV's source path; e.err is
        // the one-line reason a user can act on.
        error = e.err;
        return false;
    }
}

bool encode(const std::string& ext, const cv::Mat& image, const std::vector<int>& params, std::vector<uchar>& out,
            std::string& error) {
    try {
        if (cv::imencode("." + ext, image, out, params)) return true;
        error = "the encoder failed";
    } catch (const cv::Exception& e) {
        error = e.err;
    }
    return false;
}

constexpr pixpool::detail::OpenCvCodecs kCodecs{PIXPOOL_MODULE_ABI, decode, encode};

}  // namespace

extern "C" __attribute__((visibility("default"))) const pixpool::detail::OpenCvCodecs* pixpool_opencv_codecs() {
    return &kCodecs;
}
