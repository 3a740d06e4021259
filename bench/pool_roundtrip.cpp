/// Pool round trips: empty tasks per second through pixpool::Pool, to set
/// next to Python's multiprocessing.Pool.map(chunksize=1) (bench/pool_roundtrip.py).
///
/// Each task is a short payload that the worker's handler returns unchanged,
/// so the time is the pool's own: framing, the socket write to a worker, the
/// worker's read and reply, the master's poll loop and bookkeeping.
///
///   pool_roundtrip [TASKS=20000] [REPEATS=5] [WORKERS=0 (usable CPUs)]
///
/// Prints one line per repetition and a last line
///   pixpool_pool roundtrips/s: MEDIAN (workers W, tasks N, best B)
/// that bench/compare.sh parses.

#include <pixpool/pool.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    const long tasks = argc > 1 ? std::atol(argv[1]) : 20000;
    const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
    const int workers = argc > 3 ? std::atoi(argv[3]) : 0;
    if (tasks <= 0 || repeats <= 0 || workers < 0) {
        std::fprintf(stderr, "usage: pool_roundtrip [TASKS] [REPEATS] [WORKERS]\n");
        return 2;
    }

    pixpool::PoolOptions options;
    options.handler = [](const std::string& payload) { return payload; };
    options.workers = workers;
    pixpool::Pool pool(options);  // forked before anything else runs

    std::vector<std::string> payloads;
    payloads.reserve(static_cast<std::size_t>(tasks));
    for (long i = 0; i < tasks; ++i) payloads.push_back(std::to_string(i));

    // warm-up: every worker has run a task, pages are touched
    (void)pool.map(std::vector<std::string>(payloads.begin(), payloads.begin() + std::min<long>(tasks, 1000)));

    std::vector<double> rates;
    for (int r = 0; r < repeats; ++r) {
        const auto start = std::chrono::steady_clock::now();
        const auto results = pool.map(payloads);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        long ok = 0;
        for (std::size_t i = 0; i < results.size(); ++i)
            ok += results[i].ok() && results[i].value == payloads[i];
        if (ok != tasks) {
            std::fprintf(stderr, "pool_roundtrip: only %ld of %ld results came back intact\n", ok, tasks);
            return 1;
        }
        rates.push_back(static_cast<double>(tasks) / seconds);
        std::printf("run %d: %ld tasks in %.3f s = %.0f roundtrips/s\n", r + 1, tasks, seconds, rates.back());
    }
    std::vector<double> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    std::printf("pixpool_pool roundtrips/s: %.0f (workers %d, tasks %ld, best %.0f)\n",
                sorted[sorted.size() / 2], pool.workers(), tasks, sorted.back());
    return 0;
}
