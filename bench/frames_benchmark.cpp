/// Frames per second of a filter chain on BGR frames: pixpool::FramePool on
/// W workers against the same chain inline, under cv::parallel_for_, and on a
/// std::thread pool of W in this process; the frame pool's transport alone
/// (an empty chain); and latency p50/p99 at a steady 80% of its throughput.
///
///   frames_benchmark [FRAMES=240] [WORKERS=2]
///
/// The frame pools run first: they fork their workers from this process
/// before any thread of the in-process alternatives exists.

#include <pixpool/filters.hpp>
#include <pixpool/frames.hpp>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
const std::vector<std::string> kChain = {"gaussian_blur:sigma=3", "sharpen"};

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

/// A few distinct frames with photo-like content (gradients and noise), cycled.
std::vector<cv::Mat> source_frames(cv::Size size) {
    std::vector<cv::Mat> frames;
    for (int i = 0; i < 4; ++i) {
        cv::Mat frame(size, CV_8UC3), noise(size, CV_8UC3);
        for (int y = 0; y < size.height; ++y) {
            auto* row = frame.ptr<cv::Vec3b>(y);
            for (int x = 0; x < size.width; ++x) row[x] = cv::Vec3b(x * 255 / size.width, y * 255 / size.height, 40 * i);
        }
        cv::randn(noise, 0, 20);
        frames.push_back(frame + noise);
    }
    return frames;
}

/// CPU seconds this process (the master) has used so far.
double master_cpu_seconds() {
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

double g_master_ms_per_frame = 0;  ///< of the last frame_pool_fps run: the isolation's cost on the master

/// Streams `count` frames through the pool; frames per second.
double frame_pool_fps(pixpool::FramePool& pool, const std::vector<cv::Mat>& frames, int count) {
    const double cpu_before = master_cpu_seconds();
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) {
        if (pool.in_flight() == pool.capacity()) pool.next();
        pool.submit(frames[i % frames.size()], i);
    }
    while (pool.next()) {
    }
    const double fps = count / seconds_since(start);
    g_master_ms_per_frame = (master_cpu_seconds() - cpu_before) * 1000 / count;
    return fps;
}

/// The same stream through acquire(): the frame is made in its slot (here
/// it is left as the slot holds it, as a decoder writing there would), so
/// nothing is copied in at all.
double frame_pool_in_place_fps(pixpool::FramePool& pool, cv::Size size, int count) {
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) {
        if (pool.in_flight() == pool.capacity()) pool.next();
        pool.submit(pool.acquire(size.height, size.width, CV_8UC3), i);
    }
    while (pool.next()) {
    }
    return count / seconds_since(start);
}

double run_frame_pool(const std::vector<std::string>& chain, const std::vector<cv::Mat>& frames, int count,
                      int workers) {
    pixpool::FrameOptions options;
    options.filter_specs = chain;
    options.workers = workers;
    pixpool::FramePool pool(options);
    frame_pool_fps(pool, frames, workers * 4);  // warm up: every worker maps the slots, heaps grow
    return frame_pool_fps(pool, frames, count);
}

struct Percentiles {
    double p50 = 0, p99 = 0;
};

Percentiles percentiles(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    auto rank = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * ms.size()))]; };
    return {rank(0.50), rank(0.99)};
}

/// Submits at a steady `rate` frames/s after a warm-up, taking results as
/// they come; the percentiles of those frames' own latency_ms.
Percentiles latency_at(double rate, const std::vector<cv::Mat>& frames, int count, int workers) {
    pixpool::FrameOptions options;
    options.filter_specs = kChain;
    options.workers = workers;
    options.order = pixpool::FrameOrder::Completion;
    pixpool::FramePool pool(options);
    frame_pool_fps(pool, frames, workers * 4);
    std::vector<double> latencies;
    auto take = [&](const pixpool::Frame& frame) { latencies.push_back(frame.latency_ms); };
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) {
        const auto due = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(i / rate));
        while (Clock::now() < due) {
            if (auto frame = pool.try_next()) {
                take(*frame);
            } else {
                std::this_thread::sleep_for(std::chrono::microseconds(100));
            }
        }
        if (pool.in_flight() == pool.capacity()) take(*pool.next());
        pool.submit(frames[i % frames.size()], i);
    }
    while (auto frame = pool.next()) take(*frame);
    return percentiles(latencies);
}

double inline_fps(const pixpool::filters::Chain& chain, const std::vector<cv::Mat>& frames, int count) {
    cv::setNumThreads(0);
    const auto start = Clock::now();
    for (int i = 0; i < count; ++i) cv::Mat out = chain.apply(frames[i % frames.size()]);
    return count / seconds_since(start);
}

double parallel_for_fps(const pixpool::filters::Chain& chain, const std::vector<cv::Mat>& frames, int count,
                        int workers) {
    cv::setNumThreads(workers);
    const auto start = Clock::now();
    cv::parallel_for_(cv::Range(0, count), [&](const cv::Range& range) {
        for (int i = range.start; i < range.end; ++i) cv::Mat out = chain.apply(frames[i % frames.size()]);
    }, count);
    const double fps = count / seconds_since(start);
    cv::setNumThreads(0);
    return fps;
}

double thread_pool_fps(const pixpool::filters::Chain& chain, const std::vector<cv::Mat>& frames, int count,
                       int workers) {
    cv::setNumThreads(0);  // each thread applies the chain alone, as each worker does
    std::atomic<int> next{0};
    const auto start = Clock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < workers; ++t) {
        threads.emplace_back([&] {
            for (int i = next++; i < count; i = next++) cv::Mat out = chain.apply(frames[i % frames.size()]);
        });
    }
    for (auto& thread : threads) thread.join();
    return count / seconds_since(start);
}

}  // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 240;
    const int workers = argc > 2 ? std::atoi(argv[2]) : 2;
    const std::vector<cv::Size> sizes = {{1280, 720}, {1920, 1080}};
    std::vector<std::vector<cv::Mat>> frames;
    for (const auto& size : sizes) frames.push_back(source_frames(size));

    // Process pools first, before this process has any thread.
    std::vector<double> pool_fps, master_ms;
    for (const auto& set : frames) {
        pool_fps.push_back(run_frame_pool(kChain, set, count, workers));
        master_ms.push_back(g_master_ms_per_frame);
    }
    const double transport_fps = run_frame_pool({}, frames[1], count * 4, workers);
    const double transport_master_ms = g_master_ms_per_frame;
    double in_place_fps = 0;
    {
        pixpool::FrameOptions options;
        options.workers = workers;
        pixpool::FramePool pool(options);
        frame_pool_fps(pool, frames[1], workers * 4);
        in_place_fps = frame_pool_in_place_fps(pool, sizes[1], count * 4);
    }
    const double load_rate = 0.8 * pool_fps[0];
    const Percentiles latency = latency_at(load_rate, frames[0], count, workers);

    const auto chain = pixpool::filters::Chain::parse(kChain);
    std::printf("chain: gaussian_blur:sigma=3 then sharpen, BGR frames, %d workers/threads, %d frames\n", workers,
                count);
    for (std::size_t s = 0; s < sizes.size(); ++s) {
        const double in = inline_fps(chain, frames[s], count / 2);
        const double pf = parallel_for_fps(chain, frames[s], count, workers);
        const double tp = thread_pool_fps(chain, frames[s], count, workers);
        const double best = std::max(pf, tp);
        std::printf("%dx%d: frame pool %.1f fps, inline %.1f, cv::parallel_for_ %.1f, std::thread x%d %.1f"
                    "  -> %.2fx inline, %.2fx best in-process (master CPU %.2f ms/frame)\n",
                    sizes[s].width, sizes[s].height, pool_fps[s], in, pf, workers, tp, pool_fps[s] / in,
                    pool_fps[s] / best, master_ms[s]);
    }
    std::printf("transport alone (empty chain), 1920x1080: %.0f fps with submit() (one copy in; master CPU %.2f "
                "ms/frame), %.0f fps with acquire() (no copy)\n",
                transport_fps, transport_master_ms, in_place_fps);
    std::printf("latency at %.1f fps (80%% of 1280x720 throughput): p50 %.2f ms, p99 %.2f ms (p99/p50 %.2f)\n",
                load_rate, latency.p50, latency.p99, latency.p99 / latency.p50);
    return 0;
}
