/// Filter throughput in megapixels per second, single-threaded, on a
/// 12-megapixel (4000x3000) 8-bit BGR photo-like image, plus gaussian_blur
/// next to cv::GaussianBlur at sigma 1, 3, 10 and 30.
///
///   cmake -S . -B build-filters -DPIXPOOL_BENCHMARKS=ON
///   cmake --build build-filters -j2 --target filters_benchmark
///   build-filters/bench/filters_benchmark

#include "pixpool/filters.hpp"
#include "test_images.hpp"

#include <opencv2/imgproc.hpp>

#include <benchmark/benchmark.h>

#include <malloc.h>

#include <map>

namespace pf = pixpool::filters;

namespace {

constexpr double kMegapixels = 4000.0 * 3000.0 / 1e6;

const cv::Mat& photo() {
    static const cv::Mat image = pf::testing::synthetic_photo(cv::Size(4000, 3000));
    return image;
}

void count_megapixels(benchmark::State& state) {
    state.counters["MP/s"] = benchmark::Counter(kMegapixels * static_cast<double>(state.iterations()),
                                                benchmark::Counter::kIsRate);
}

void run_step(benchmark::State& state, const pf::Step& step) {
    for (auto _ : state) benchmark::DoNotOptimize(step.apply(photo()));
    count_megapixels(state);
}

void gaussian_pixpool(benchmark::State& state) {
    run_step(state, pf::make_step("gaussian_blur", {{"sigma", std::to_string(state.range(0))}}));
}

void gaussian_opencv(benchmark::State& state) {
    const double sigma = static_cast<double>(state.range(0));
    for (auto _ : state) {
        cv::Mat out;
        // ksize 0: OpenCV derives round(6*sigma+1)|1 for 8-bit, as pixpool's exact path does.
        cv::GaussianBlur(photo(), out, cv::Size(0, 0), sigma, sigma, cv::BORDER_REFLECT_101);
        benchmark::DoNotOptimize(out);
    }
    count_megapixels(state);
}

/// Arguments for filters whose defaults alone do not describe a typical use.
const std::map<std::string, std::string> kExamples = {
    {"resize", "resize:width=1920"},
    {"crop", "crop:width=2000,height=1500,gravity=center"},
    {"rotate", "rotate:angle=33"},
};

/// Filters too slow for more than one 12-megapixel pass.
bool is_slow(const std::string& name) { return name == "denoise" || name == "bilateral"; }

void register_filters() {
    for (const auto& filter : pf::registry()) {
        const auto example = kExamples.find(filter.name);
        const pf::Step step = pf::parse_step(example == kExamples.end() ? filter.name : example->second);
        auto* bench = benchmark::RegisterBenchmark(("filter/" + step.text()).c_str(),
                                                   [step](benchmark::State& state) { run_step(state, step); });
        bench->Unit(benchmark::kMillisecond);
        if (is_slow(filter.name)) bench->Iterations(1);
    }
}

}  // namespace

BENCHMARK(gaussian_pixpool)->Arg(1)->Arg(3)->Arg(10)->Arg(30)->Unit(benchmark::kMillisecond);
BENCHMARK(gaussian_opencv)->Arg(1)->Arg(3)->Arg(10)->Arg(30)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    cv::setNumThreads(0);  // single-threaded: what one pool worker gets
    // Keep freed memory in the heap. By default glibc maps every image-sized
    // buffer afresh and unmaps it on free, and on a VM whose fresh pages are
    // slow to fault in (this one: ~6 ms per MB) that cost swamps the filters
    // themselves and varies run to run. Both pixpool and the OpenCV
    // references get the same allocator. Pass --fresh-pages to keep glibc's default.
    bool fresh_pages = false;
    for (int i = 1; i < argc; ++i) fresh_pages |= std::string(argv[i]) == "--fresh-pages";
    if (!fresh_pages) {
        mallopt(M_MMAP_MAX, 0);
        mallopt(M_TRIM_THRESHOLD, 1 << 30);
    }
    benchmark::Initialize(&argc, argv);
    photo();  // build the image before timing starts
    register_filters();
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
