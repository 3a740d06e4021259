/// StartMethod::Fork: every worker is a fork of the master, which must run
/// no other thread at that moment (checked at every fork, replacements too).

#include "launcher.hpp"
#include "worker_process.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace pixpool::detail {

std::string threaded_host_error(int threads, const char* what) {
    return std::string("pool: cannot ") + what + ": this process runs " + std::to_string(threads) +
           " threads, and a fork copies any lock another thread holds, which can hang the worker forever; "
           "use StartMethod::ForkServer or StartMethod::Spawn in a threaded host";
}

void worker_socketpair(int fds[2]) {
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw PoolError(std::string("pool: cannot create a worker socket: ") + std::strerror(errno));
    }
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
}

std::optional<int> try_wait(pid_t pid) {
    int status = 0;
    pid_t r;
    do {
        r = ::waitpid(pid, &status, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r == pid) return status;
    if (r < 0) return 0;  // not our child any more: nothing to wait for
    return std::nullopt;
}

namespace {

class ForkLauncher : public Launcher {
public:
    ForkLauncher(const PoolOptions& options, int worker_stderr) : options_(options), stderr_(worker_stderr) {}

    StartedWorker start(int slot) override {
        int threads = count_threads();
        if (threads > 1) throw PoolError(threaded_host_error(threads, "fork a worker"));
        int fds[2];
        worker_socketpair(fds);
        pid_t master = ::getpid();
        std::fflush(nullptr);  // a child must not inherit (and later repeat) buffered output
        pid_t pid;
        {
            SignalsBlocked blocked;  // no host handler may run in the child before it resets them
            pid = ::fork();
            if (pid == 0) {
                use_as_stderr(stderr_);
                become_worker(fds[1], master, options_.inherit_fds);
                serve(fds[1], master, [&]() {
                    limit_worker_memory(options_.max_memory_bytes);
                    if (options_.initializer) options_.initializer(slot);
                    return options_.handler;
                });
            }
        }
        int err = errno;
        ::close(fds[1]);
        if (pid < 0) {
            ::close(fds[0]);
            throw PoolError(std::string("pool: cannot fork a worker: ") + std::strerror(err));
        }
        return {pid, fds[0], nullptr};
    }

    std::optional<int> ended(pid_t pid) override { return try_wait(pid); }

private:
    const PoolOptions& options_;
    int stderr_;
};

}  // namespace

std::unique_ptr<Launcher> make_fork_launcher(const PoolOptions& options, int worker_stderr) {
    if (!options.handler) throw PoolError("pool: no handler given");
    return std::make_unique<ForkLauncher>(options, worker_stderr);
}

std::unique_ptr<Launcher> make_launcher(const PoolOptions& options, int worker_stderr) {
    switch (options.start_method) {
        case StartMethod::Fork: return make_fork_launcher(options, worker_stderr);
        case StartMethod::Spawn: return make_spawn_launcher(options, worker_stderr);
        case StartMethod::ForkServer: return make_fork_server_launcher(options, worker_stderr);
    }
    throw PoolError("pool: unknown start method");
}

}  // namespace pixpool::detail
