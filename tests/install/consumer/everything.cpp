// Links pixpool::pixpool: a filter chain inline, and a batch on the pool.
#include <pixpool/batch.hpp>
#include <pixpool/filters.hpp>

#include <opencv2/imgcodecs.hpp>

#include <iostream>

int main(int argc, char** argv) {
    // The chain below starts OpenCV's threads, so the batch's fork server is
    // spawned afresh: as this same program, which serves here and never returns.
    pixpool::serve_if_spawned_image_worker();
    if (argc != 3) return 2;
    auto chain = pixpool::filters::Chain::parse({"gaussian_blur:sigma=2", "grayscale"});
    cv::Mat gray = chain.apply(cv::imread(argv[1]));
    if (gray.channels() != 1) return 1;

    pixpool::BatchOptions batch;
    batch.input.paths = {argv[1]};
    batch.out_dir = argv[2];
    batch.filter_specs = {"gaussian_blur:sigma=3"};
    batch.jobs = 2;
    pixpool::BatchReport report = pixpool::run_batch(batch);
    std::cout << pixpool::summarize(report);
    return report.ok == 1 && report.failed == 0 ? 0 : 1;
}
