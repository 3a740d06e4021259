#include <pixpool/frames.hpp>

#include <opencv2/videoio.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    pixpool::FrameOptions options;
    options.filter_specs = {"gaussian_blur:sigma=3", "sharpen"};
    pixpool::FramePool pool(options);  // fork the workers first, then start the decoder
    cv::VideoCapture in(argv[1]);
    const cv::Size size(in.get(cv::CAP_PROP_FRAME_WIDTH), in.get(cv::CAP_PROP_FRAME_HEIGHT));
    cv::VideoWriter out(argv[2], cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), in.get(cv::CAP_PROP_FPS), size);
    int failed = 0;
    auto write = [&](const pixpool::Frame& frame) {
        if (frame.ok()) return out.write(frame.image);           // a view of shared memory, no copy
        std::cerr << frame.error << "\n";                        // "frame 17: ..."
        ++failed;
    };
    cv::Mat frame;
    for (std::uint64_t index = 0; in.read(frame); ++index) {
        if (pool.in_flight() == pool.capacity()) write(*pool.next());  // in order, bounded
        pool.submit(frame, index);                               // one copy, into shared memory
    }
    while (auto done = pool.next()) write(*done);
    std::cout << "latency p50 " << pool.latency().p50_ms << " ms, p99 " << pool.latency().p99_ms << " ms\n";
    return failed == 0 ? 0 : 1;
}
