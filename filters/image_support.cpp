/// Image plumbing shared by filters: type checks, alpha handling, lookup curves.

#include "filter_kit.hpp"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace pixpool::filters::kit {

std::string describe_type(const cv::Mat& image) {
    std::string depth;
    switch (image.depth()) {
        case CV_8U: depth = "8-bit"; break;
        case CV_16U: depth = "16-bit"; break;
        case CV_32F: depth = "32-bit float"; break;
        default: depth = "depth-" + std::to_string(image.depth());
    }
    return depth + " " + std::to_string(image.channels()) + "-channel";
}

void require_image(const cv::Mat& image, const std::string& filter) {
    if (image.empty()) fail(filter, "the image is empty");
    const bool depth_ok = image.depth() == CV_8U || image.depth() == CV_16U;
    const int channels = image.channels();
    if (!depth_ok || (channels != 1 && channels != 3 && channels != 4))
        fail(filter, "cannot take a " + describe_type(image) +
                         " image (8- or 16-bit with 1, 3 or 4 channels only)");
}

double full_scale(int depth) {
    if (depth == CV_8U) return 255.0;
    if (depth == CV_16U) return 65535.0;
    return 1.0;
}

cv::Mat premultiplied(const cv::Mat& image, const ImageOp& op) {
    if (image.channels() != 4) return op(image);
    cv::Mat straight;
    image.convertTo(straight, CV_32F, 1.0 / full_scale(image.depth()));
    for (int y = 0; y < straight.rows; ++y) {
        auto* p = straight.ptr<cv::Vec4f>(y);
        for (int x = 0; x < straight.cols; ++x)
            for (int c = 0; c < 3; ++c) p[x][c] *= p[x][3];
    }
    cv::Mat result = op(straight);
    // Un-premultiply; where alpha is ~0 the colour is meaningless, leave it black.
    for (int y = 0; y < result.rows; ++y) {
        auto* p = result.ptr<cv::Vec4f>(y);
        for (int x = 0; x < result.cols; ++x) {
            const float alpha = p[x][3];
            const float inverse = alpha > 1e-6f ? 1.0f / alpha : 0.0f;
            for (int c = 0; c < 3; ++c) p[x][c] *= inverse;
        }
    }
    cv::Mat out;
    result.convertTo(out, image.depth(), full_scale(image.depth()));
    return out;
}

cv::Mat on_colour(const cv::Mat& image, const ImageOp& op) {
    if (image.channels() != 4) return op(image);
    cv::Mat colour(image.size(), CV_MAKETYPE(image.depth(), 3));
    cv::Mat alpha(image.size(), CV_MAKETYPE(image.depth(), 1));
    cv::Mat outputs[] = {colour, alpha};
    const int split_pairs[] = {0, 0, 1, 1, 2, 2, 3, 3};
    cv::mixChannels(&image, 1, outputs, 2, split_pairs, 4);
    cv::Mat processed = op(colour);
    cv::Mat out(processed.size(), CV_MAKETYPE(processed.depth(), 4));
    cv::Mat inputs[] = {processed, alpha};
    const int merge_pairs[] = {0, 0, 1, 1, 2, 2, 3, 3};
    cv::mixChannels(inputs, 2, &out, 1, merge_pairs, 4);
    return out;
}

cv::Mat apply_curve(const cv::Mat& image, const std::function<double(double)>& curve) {
    return on_colour(image, [&](const cv::Mat& colour) {
        const double scale = full_scale(colour.depth());
        if (colour.depth() == CV_8U) {
            cv::Mat table(1, 256, CV_8U);
            for (int v = 0; v < 256; ++v)
                table.at<uchar>(v) = cv::saturate_cast<uchar>(curve(v / scale) * scale);
            cv::Mat out;
            cv::LUT(colour, table, out);
            return out;
        }
        // cv::LUT is 8-bit only; a 65536-entry table costs less than a pow() per pixel.
        std::vector<ushort> table(65536);
        for (int v = 0; v < 65536; ++v) table[v] = cv::saturate_cast<ushort>(curve(v / scale) * scale);
        cv::Mat out(colour.size(), colour.type());
        const int width = colour.cols * colour.channels();
        for (int y = 0; y < colour.rows; ++y) {
            const auto* in = colour.ptr<ushort>(y);
            auto* o = out.ptr<ushort>(y);
            for (int x = 0; x < width; ++x) o[x] = table[in[x]];
        }
        return out;
    });
}

cv::Mat colour_matrix(const cv::Mat& image, const cv::Matx33d& matrix) {
    return on_colour(image, [&](const cv::Mat& colour) {
        cv::Mat out;
        cv::transform(colour, out, matrix);
        return out;
    });
}

std::vector<double> histogram(const cv::Mat& image) {
    std::vector<double> counts(static_cast<size_t>(full_scale(image.depth())) + 1, 0.0);
    const int channels = image.channels(), colours = channels == 4 ? 3 : channels;
    for (int y = 0; y < image.rows; ++y) {
        for (int x = 0; x < image.cols; ++x) {
            for (int c = 0; c < colours; ++c) {
                const int offset = x * channels + c;
                counts[image.depth() == CV_8U ? image.ptr<uchar>(y)[offset] : image.ptr<ushort>(y)[offset]] += 1;
            }
        }
    }
    return counts;
}

cv::Mat luma(const cv::Mat& image) {
    if (image.channels() == 1) return image;
    cv::Mat gray;
    cv::cvtColor(image, gray, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    return gray;
}

cv::Mat with_alpha_of(const cv::Mat& source, const cv::Mat& gray) {
    if (source.channels() != 4) return gray;
    cv::Mat alpha;
    cv::extractChannel(source, alpha, 3);
    cv::Mat out;
    cv::merge(std::vector<cv::Mat>{gray, gray, gray, alpha}, out);
    return out;
}

Param fill_param() {
    return choice("fill", "colour of the new pixels; transparent needs an alpha channel (else black)", "black",
                  {"black", "white", "gray", "transparent"});
}

cv::Scalar premultiplied_fill(const std::string& fill) {
    if (fill == "white") return cv::Scalar::all(1.0);
    if (fill == "gray") return cv::Scalar(0.5, 0.5, 0.5, 1.0);
    if (fill == "transparent") return cv::Scalar::all(0.0);
    return cv::Scalar(0, 0, 0, 1.0);
}

cv::Scalar fill_colour(const std::string& fill, const cv::Mat& image) {
    const cv::Scalar normalised = premultiplied_fill(fill);  // opaque fills equal their straight colour
    cv::Scalar out = normalised * full_scale(image.depth());
    if (image.channels() != 4 && fill == "transparent") out = cv::Scalar::all(0);
    return out;
}

Param interpolation_param(const std::string& default_value, bool allow_auto) {
    std::vector<std::string> choices = {"nearest", "linear", "cubic", "area", "lanczos"};
    if (allow_auto) choices.insert(choices.begin(), "auto");
    return choice("interpolation",
                  std::string(allow_auto ? "auto: area when shrinking, cubic when enlarging; " : "") +
                      "nearest keeps hard pixels, lanczos is sharpest",
                  default_value, choices);
}

int interpolation_flag(const std::string& interpolation) {
    if (interpolation == "nearest") return cv::INTER_NEAREST;
    if (interpolation == "cubic") return cv::INTER_CUBIC;
    if (interpolation == "area") return cv::INTER_AREA;
    if (interpolation == "lanczos") return cv::INTER_LANCZOS4;
    return cv::INTER_LINEAR;
}

}  // namespace pixpool::filters::kit
