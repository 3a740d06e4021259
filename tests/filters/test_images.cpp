#include "test_images.hpp"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace pixpool::filters::testing {

cv::Mat synthetic_photo(cv::Size size) {
    cv::Mat image(size, CV_32FC3);
    for (int y = 0; y < size.height; ++y) {
        for (int x = 0; x < size.width; ++x) {
            const float fx = static_cast<float>(x) / size.width, fy = static_cast<float>(y) / size.height;
            image.at<cv::Vec3f>(y, x) = {60 + 120 * fx, 50 + 150 * fy * fx,
                                         90 + 60 * std::sin(fx * 9.0f + fy * 4.0f)};
        }
    }
    cv::Mat texture(size, CV_32FC3);
    cv::RNG rng(12345);
    rng.fill(texture, cv::RNG::NORMAL, 0, 25);
    cv::GaussianBlur(texture, texture, cv::Size(0, 0), 2.0);
    image += texture;
    // Hard-edged shapes: the worst case for any blur approximation.
    cv::rectangle(image, cv::Rect(size.width / 5, size.height / 4, size.width / 4, size.height / 3),
                  cv::Scalar(250, 245, 240), cv::FILLED);
    cv::circle(image, cv::Point(size.width * 2 / 3, size.height / 2), size.height / 5,
               cv::Scalar(10, 20, 30), cv::FILLED);
    cv::Mat noise(size, CV_32FC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, 4);
    image += noise;
    cv::Mat out;
    image.convertTo(out, CV_8U);
    return out;
}

cv::Mat sample_photo(const std::string& name) {
    cv::Mat image = cv::imread(std::string(PIXPOOL_SOURCE_DIR) + "/sample_images/" + name, cv::IMREAD_COLOR);
    return image.empty() ? synthetic_photo(cv::Size(512, 512)) : image;
}

cv::Mat as_type(const cv::Mat& image, int depth, int channels) {
    cv::Mat converted;
    if (channels == 1) cv::cvtColor(image, converted, cv::COLOR_BGR2GRAY);
    else if (channels == 4) cv::cvtColor(image, converted, cv::COLOR_BGR2BGRA);
    else converted = image.clone();
    if (channels == 4) {
        for (int y = 0; y < converted.rows; ++y)
            for (int x = 0; x < converted.cols; ++x)
                converted.at<cv::Vec4b>(y, x)[3] = cv::saturate_cast<uchar>(255.0 * x / (converted.cols - 1));
    }
    if (depth == CV_16U) converted.convertTo(converted, CV_16U, 257.0);
    return converted;
}

double max_difference(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat difference;
    cv::absdiff(a, b, difference);
    double most = 0;
    cv::minMaxLoc(difference.reshape(1), nullptr, &most);
    return most;
}

}  // namespace pixpool::filters::testing
