/// Pool throughput: payloads of 1 KB, 1 MB and 16 MB echoed back through
/// pixpool::Pool (MB/s both ways: bytes sent plus bytes received, per
/// second), next to the ceiling of this machine's socketpair measured by
/// this same program: one forked echo process per worker, each pumping the
/// same bytes through a blocking AF_UNIX stream socket with no framing, no
/// bookkeeping and no copy into a result.
///
///   pool_throughput [WORKERS=0 (usable CPUs)] [MEGABYTES_PER_SIZE=2048]

#include <pixpool/pool.hpp>

#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// `workers` echo processes, each sent `count` blocks of `size` bytes, each
/// block read back before the next goes (as a pool task is).
double socketpair_ceiling(int workers, std::size_t size, std::size_t count) {
    std::vector<int> fds;
    std::vector<pid_t> pids;
    for (int w = 0; w < workers; ++w) {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) std::exit(1);
        pid_t pid = ::fork();
        if (pid == 0) {
            ::close(pair[0]);
            std::vector<char> buffer(size);
            for (std::size_t i = 0; i < count; ++i) {
                std::size_t got = 0;
                while (got < size) got += static_cast<std::size_t>(::read(pair[1], buffer.data() + got, size - got));
                for (std::size_t sent = 0; sent < size;) sent += static_cast<std::size_t>(::write(pair[1], buffer.data() + sent, size - sent));
            }
            ::_exit(0);
        }
        ::close(pair[1]);
        fds.push_back(pair[0]);
        pids.push_back(pid);
    }
    // One process per socket on this side too, so both directions run at once.
    auto start = std::chrono::steady_clock::now();
    std::vector<pid_t> pumps;
    for (int fd : fds) {
        pid_t pid = ::fork();
        if (pid == 0) {
            std::vector<char> out(size, 'x'), in(size);
            for (std::size_t i = 0; i < count; ++i) {
                // Send and receive at once (a pool does), in halves.
                std::size_t sent = 0, got = 0;
                while (got < size) {
                    if (sent < size) {
                        ssize_t n = ::send(fd, out.data() + sent, size - sent, MSG_DONTWAIT);
                        if (n > 0) sent += static_cast<std::size_t>(n);
                    }
                    ssize_t n = ::recv(fd, in.data() + got, size - got, sent < size ? MSG_DONTWAIT : 0);
                    if (n > 0) got += static_cast<std::size_t>(n);
                }
            }
            ::_exit(0);
        }
        pumps.push_back(pid);
    }
    for (pid_t pid : pumps) ::waitpid(pid, nullptr, 0);
    double seconds = seconds_since(start);
    for (int fd : fds) ::close(fd);
    for (pid_t pid : pids) ::waitpid(pid, nullptr, 0);
    return 2.0 * static_cast<double>(size * count * static_cast<std::size_t>(workers)) / seconds / 1e6;
}

double pool_rate(pixpool::Pool& pool, std::size_t size, std::size_t count) {
    std::vector<std::string> payloads(count, std::string(size, 'x'));
    auto start = std::chrono::steady_clock::now();
    auto results = pool.map(payloads);
    double seconds = seconds_since(start);
    for (const auto& r : results) {
        if (!r.ok() || r.value.size() != size) {
            std::fprintf(stderr, "pool_throughput: a result came back wrong\n");
            std::exit(1);
        }
    }
    return 2.0 * static_cast<double>(size * count) / seconds / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
    int workers = argc > 1 ? std::atoi(argv[1]) : 0;
    std::size_t megabytes = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 2048;
    pixpool::PoolOptions options;
    options.workers = workers;
    options.handler = [](const std::string& payload) { return payload; };
    pixpool::Pool pool(options);  // forked first, from a thread-free process
    workers = pool.workers();
    std::printf("%-8s %12s %12s %14s %8s\n", "payload", "tasks", "pool MB/s", "socketpair MB/s", "ratio");
    for (std::size_t size : {std::size_t{1} << 10, std::size_t{1} << 20, std::size_t{16} << 20}) {
        std::size_t count = std::max<std::size_t>(static_cast<std::size_t>(workers) * 4, (megabytes << 20) / size);
        if (size == 1024) count = std::min<std::size_t>(count, 200000);
        (void)pool_rate(pool, size, std::min<std::size_t>(count, 100));  // warm-up
        double rate = pool_rate(pool, size, count);
        double ceiling = socketpair_ceiling(workers, size, count / static_cast<std::size_t>(workers));
        const char* label = size == 1024 ? "1 KB" : size == (1u << 20) ? "1 MB" : "16 MB";
        std::printf("%-8s %12zu %12.0f %14.0f %8.2f\n", label, count, rate, ceiling, rate / ceiling);
    }
    return 0;
}
