/// Filter throughput in megapixels per second, single-threaded, on a
/// 12-megapixel (4000x3000) 8-bit BGR photo-like image, plus gaussian_blur
/// next to cv::GaussianBlur at sigma 1, 3, 10 and 30, and on one 8-bit plane
/// from 160x120 to 4000x3000 at sigma 3.
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
#include <utility>
#include <vector>

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

/// One 8-bit plane of width x height (a JPEG's Y or chroma plane) at sigma
/// 3: where gaussian_blur leaves cv::GaussianBlur for a float kernel.
const cv::Mat& plane(int width, int height) {
    static std::map<std::pair<int, int>, cv::Mat> planes;
    cv::Mat& made = planes[{width, height}];
    if (made.empty()) cv::cvtColor(pf::testing::synthetic_photo(cv::Size(width, height)), made, cv::COLOR_BGR2GRAY);
    return made;
}

void count_plane_megapixels(benchmark::State& state) {
    state.counters["MP/s"] = benchmark::Counter(
        static_cast<double>(state.range(0) * state.range(1)) / 1e6 * static_cast<double>(state.iterations()),
        benchmark::Counter::kIsRate);
}

void gaussian_plane_pixpool(benchmark::State& state) {
    const cv::Mat& image = plane(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    const pf::Step step = pf::make_step("gaussian_blur", {{"sigma", "3"}});
    for (auto _ : state) benchmark::DoNotOptimize(step.apply(image));
    count_plane_megapixels(state);
}

void gaussian_plane_opencv(benchmark::State& state) {
    const cv::Mat& image = plane(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
    for (auto _ : state) {
        cv::Mat out;
        cv::GaussianBlur(image, out, cv::Size(0, 0), 3, 3, cv::BORDER_REFLECT_101);
        benchmark::DoNotOptimize(out);
    }
    count_plane_megapixels(state);
}

void plane_sizes(benchmark::internal::Benchmark* bench) {
    for (const auto& [width, height] : std::vector<std::pair<int, int>>{
             {160, 120}, {320, 240}, {640, 480}, {800, 600}, {1024, 768}, {1600, 1200}, {4000, 3000}})
        bench->Args({width, height});
    bench->Unit(benchmark::kMicrosecond);
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
BENCHMARK(gaussian_plane_pixpool)->Apply(plane_sizes);
BENCHMARK(gaussian_plane_opencv)->Apply(plane_sizes);

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
