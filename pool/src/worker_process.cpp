#include "worker_process.hpp"

#include "frames.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <thread>

namespace pixpool::detail {

namespace {

/// Master-side sockets of every pool in this process. Only touched by the
/// master thread and, after fork, by the child before it runs any user code.
std::vector<int>& master_sockets() {
    static std::vector<int> fds;
    return fds;
}

std::string reply(Reply kind, std::uint64_t task_id, const std::string& text) {
    std::string out(1, static_cast<char>(kind));
    put_u64(out, task_id);
    out += text;
    return out;
}

}  // namespace

void limit_worker_memory(std::size_t bytes) {
    if (bytes == 0) return;
    rlimit limit{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
    ::setrlimit(RLIMIT_DATA, &limit);
}

void set_up_worker_signals(pid_t master) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != master) ::_exit(1);  // the master died before prctl took effect
    for (int sig : {SIGTERM, SIGHUP, SIGQUIT, SIGCHLD, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM}) {
        ::signal(sig, SIG_DFL);
    }
    ::signal(SIGINT, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

/// After CPython's worker(): take a task, EOF ends the loop, run the
/// handler, send back (kind, id, value). Errors are data.
void serve(int fd, pid_t master, const std::function<Handler()>& start) {
    Handler handler;
    try {
        handler = start();
    } catch (const std::exception& e) {
        send_frame(fd, reply(Reply::StartFailed, 0, std::string("worker failed to start: ") + e.what()));
        ::_exit(3);
    } catch (...) {
        send_frame(fd, reply(Reply::StartFailed, 0, "worker failed to start: unknown exception"));
        ::_exit(3);
    }
    // Only a worker that says it is ready is given a task, so a worker that
    // dies while starting never takes a task down with it.
    if (!send_frame(fd, reply(Reply::Ready, 0, ""))) ::_exit(1);
    while (true) {
        std::optional<std::string> frame = receive_frame(fd);
        if (!frame || ::getppid() != master) ::_exit(0);
        std::uint64_t id = get_u64(*frame, 0);
        std::string payload = frame->size() > 8 ? frame->substr(8) : std::string();
        std::string answer;
        try {
            answer = reply(Reply::Ok, id, handler(payload));
        } catch (const std::exception& e) {
            answer = reply(Reply::Failed, id, e.what());
        } catch (...) {
            answer = reply(Reply::Failed, id, "unknown exception");
        }
        if (answer.size() > kMaxFrameBytes) answer = reply(Reply::Failed, id, "result too large to send back");
        if (!send_frame(fd, answer)) ::_exit(1);
    }
}

void remember_master_socket(int fd) { master_sockets().push_back(fd); }

void forget_master_socket(int fd) {
    auto& fds = master_sockets();
    fds.erase(std::remove(fds.begin(), fds.end(), fd), fds.end());
}

void forget_master_sockets_in_child() {
    for (int fd : master_sockets()) ::close(fd);
    master_sockets().clear();
}

StartedWorker start_worker(int slot, const PoolOptions& options) {
    if (options.start_method == StartMethod::Spawn) return spawn_worker(slot, options);
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw PoolError(std::string("cannot create a worker socket: ") + std::strerror(errno));
    }
    pid_t master = ::getpid();
    std::fflush(nullptr);  // a child must not inherit (and later repeat) buffered output
    pid_t pid = ::fork();
    if (pid < 0) {
        int err = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        throw PoolError(std::string("cannot fork a worker: ") + std::strerror(err));
    }
    if (pid == 0) {
        ::close(fds[0]);
        forget_master_sockets_in_child();
        set_up_worker_signals(master);
        serve(fds[1], master, [&]() {
            limit_worker_memory(options.max_memory_bytes);
            if (options.initializer) options.initializer(slot);
            return options.handler;
        });
    }
    ::close(fds[1]);
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    remember_master_socket(fds[0]);
    return {pid, fds[0]};
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        const char* abbrev = sigabbrev_np(sig);
        std::string name = abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
        return "killed by " + name + " (" + strsignal(sig) + ")";
    }
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    return "ended (wait status " + std::to_string(status) + ")";
}

int reap(pid_t pid, int grace_ms) {
    int status = 0;
    for (int waited = 0;; waited += 5) {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return 0;  // not our child (any more)
        if (waited >= grace_ms) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(pid, SIGKILL);
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

}  // namespace pixpool::detail
