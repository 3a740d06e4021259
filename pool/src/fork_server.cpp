/// StartMethod::ForkServer (see fork_server.hpp): the server's loop, and the
/// master's side of it as a Launcher.

#include "fork_server.hpp"

#include "launcher.hpp"
#include "spawn.hpp"
#include "worker_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <deque>
#include <map>
#include <set>

namespace pixpool::detail {

namespace {

/// One record on the control socket, each way.
struct Control {
    enum Type : std::int32_t { Fork = 1, Forked = 2, Exited = 3, ForkFailed = 4 } type;
    std::int32_t slot = 0;
    std::int32_t pid = 0;
    std::int32_t status = 0;  ///< Exited: the wait status; ForkFailed: errno
};

bool send_control(int control, const Control& c, int fd_to_pass = -1) {
    iovec part{const_cast<Control*>(&c), sizeof c};
    msghdr message{};
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    alignas(cmsghdr) char space[CMSG_SPACE(sizeof(int))];
    if (fd_to_pass >= 0) {
        message.msg_control = space;
        message.msg_controllen = sizeof space;
        cmsghdr* header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(header), &fd_to_pass, sizeof(int));
    }
    while (true) {
        if (::sendmsg(control, &message, MSG_NOSIGNAL) == static_cast<ssize_t>(sizeof c)) return true;
        if (errno != EINTR) return false;
    }
}

/// 1: a record (and maybe a descriptor), 0: nothing now, -1: closed.
int receive_control(int control, Control& c, int* fd_passed, int flags) {
    iovec part{&c, sizeof c};
    msghdr message{};
    message.msg_iov = &part;
    message.msg_iovlen = 1;
    alignas(cmsghdr) char space[CMSG_SPACE(sizeof(int))];
    message.msg_control = space;
    message.msg_controllen = sizeof space;
    ssize_t n;
    do {
        n = ::recvmsg(control, &message, flags | MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return 0;
    if (n != static_cast<ssize_t>(sizeof c)) return -1;
    if (fd_passed) *fd_passed = -1;
    for (cmsghdr* h = CMSG_FIRSTHDR(&message); h; h = CMSG_NXTHDR(&message, h)) {
        if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS && fd_passed) {
            std::memcpy(fd_passed, CMSG_DATA(h), sizeof(int));
        }
    }
    return 1;
}

void report_exits(int control) {
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        send_control(control, Control{Control::Exited, 0, pid, status});
    }
}

}  // namespace

void serve_fork_requests(int control, pid_t master, const std::vector<int>& inherit, std::size_t max_memory,
                         const std::function<Handler(int slot)>& make_handler) {
    // The server is ours alone: SIGCHLD goes to a signalfd, never to a handler.
    sigset_t child;
    sigemptyset(&child);
    sigaddset(&child, SIGCHLD);
    ::sigprocmask(SIG_BLOCK, &child, nullptr);
    int children = ::signalfd(-1, &child, SFD_CLOEXEC | SFD_NONBLOCK);
    pid_t self = ::getpid();
    while (true) {
        pollfd fds[2] = {{control, POLLIN, 0}, {children, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0 && errno != EINTR) ::_exit(1);
        if (fds[1].revents) {
            signalfd_siginfo info;
            while (::read(children, &info, sizeof info) > 0) {
            }
            report_exits(control);
        }
        if (!fds[0].revents) continue;
        Control request{};
        int worker_fd = -1;
        int got = receive_control(control, request, &worker_fd, 0);
        if (got < 0 || ::getppid() != master) ::_exit(0);  // the master is gone; PDEATHSIG takes the workers
        if (got == 0 || request.type != Control::Fork || worker_fd < 0) continue;
        pid_t pid = ::fork();
        if (pid == 0) {
            become_worker(worker_fd, self, inherit);
            serve(worker_fd, self, [&]() {
                limit_worker_memory(max_memory);
                return make_handler(request.slot);
            });
        }
        int err = errno;
        ::close(worker_fd);
        send_control(control, pid > 0 ? Control{Control::Forked, request.slot, pid, 0}
                                       : Control{Control::ForkFailed, request.slot, 0, err});
    }
}

void send_config_packets(int control, const std::string& config) {
    constexpr std::size_t kPacket = 32 * 1024;
    for (std::size_t at = 0;; at += kPacket) {
        std::size_t size = at < config.size() ? std::min(kPacket, config.size() - at) : 0;
        while (::send(control, config.data() + std::min(at, config.size()), size, MSG_NOSIGNAL) < 0) {
            if (errno != EINTR) return;  // the server died; the first fork request finds out
        }
        if (size == 0) return;  // an empty packet ends the config
    }
}

std::string receive_config_packets(int control) {
    std::string config;
    std::vector<char> packet(32 * 1024);
    while (true) {
        ssize_t n = ::recv(control, packet.data(), packet.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) ::_exit(0);
        if (n == 0) return config;
        config.append(packet.data(), static_cast<std::size_t>(n));
    }
}

namespace {

/// A server that dies (killed, crashed, its terminal gone) is reaped, the
/// workers it forked are reported lost (they die with it by
/// PR_SET_PDEATHSIG, and their statuses died with it), and the next worker
/// asked for starts a new server: the queue goes on. A server that keeps
/// dying is not started a fourth time within a minute.
using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxRestarts = 3;
constexpr std::chrono::seconds kRestartWindow{60};

class ForkServerLauncher : public Launcher {
public:
    /// The server gets `worker_stderr` as its stderr, and every worker it forks inherits it.
    ForkServerLauncher(const PoolOptions& options, int worker_stderr) : options_(options), stderr_(worker_stderr) {
        start_server();
    }

    ~ForkServerLauncher() override {
        if (control_ < 0) return;  // it died and was reaped
        ::close(control_);  // the server leaves, and PR_SET_PDEATHSIG takes any worker left
        if (try_wait(server_)) return;
        for (int waited = 0; waited < 2000; waited += 5) {
            ::usleep(5000);
            if (try_wait(server_)) return;
        }
        ::kill(server_, SIGKILL);
        ::waitpid(server_, nullptr, 0);
    }

    StartedWorker start(int slot) override {
        // Each turn either returns or finds the server dead; start_server
        // throws once it has died too often, so this ends.
        while (true) {
            if (control_ < 0) start_server();
            if (auto started = ask_for_worker(slot)) return *started;
        }
    }

    std::optional<int> ended(pid_t pid) override {
        on_events();
        auto it = exits_.find(pid);
        if (it == exits_.end()) return std::nullopt;
        int status = it->second;
        exits_.erase(it);
        return status;
    }

    std::string lost(pid_t pid) const override {
        auto it = lost_.find(pid);
        return it == lost_.end() ? std::string() : it->second;
    }

    void forget(pid_t pid) override { lost_.erase(pid); }

    int events_fd() const override { return control_; }

    void on_events() override {
        if (control_ < 0) return;
        Control report{};
        int got;
        while ((got = receive_control(control_, report, nullptr, MSG_DONTWAIT)) == 1) {
            if (report.type == Control::Exited) note_exit(report);
        }
        if (got < 0) server_died();
    }

private:
    const PoolOptions& options_;
    int stderr_;
    int control_ = -1;  ///< -1 while no server runs
    pid_t server_ = -1;
    std::map<pid_t, int> exits_;          ///< reported, not yet asked for
    std::set<pid_t> forked_;              ///< the running server's workers that have not ended
    std::map<pid_t, std::string> lost_;   ///< workers of a dead server: why their statuses will not come
    std::deque<Clock::time_point> deaths_;  ///< of servers, within kRestartWindow
    std::string last_death_;              ///< how the last server ended; empty while the first runs

    void note_exit(const Control& report) {
        exits_[report.pid] = report.status;
        forked_.erase(report.pid);
    }

    /// One fork request. nullopt: the server died meanwhile (and is reaped).
    std::optional<StartedWorker> ask_for_worker(int slot) {
        int fds[2];
        worker_socketpair(fds);
        bool gone = !send_control(control_, Control{Control::Fork, slot, 0, 0}, fds[1]);
        ::close(fds[1]);
        // The server answers at once (one fork); exit reports may come first.
        for (int waited = 0; !gone && waited < 10000;) {
            Control reply{};
            int got = receive_control(control_, reply, nullptr, 0);
            if (got < 0) {
                gone = true;
            } else if (got == 0) {
                pollfd p{control_, POLLIN, 0};
                ::poll(&p, 1, 100);
                waited += 100;
            } else if (reply.type == Control::Exited) {
                note_exit(reply);
            } else if (reply.type == Control::Forked) {
                forked_.insert(reply.pid);
                return StartedWorker{reply.pid, fds[0], nullptr};
            } else if (reply.type == Control::ForkFailed) {
                ::close(fds[0]);
                throw PoolError(std::string("pool: the fork server cannot fork a worker: ") + std::strerror(reply.status));
            }
        }
        ::close(fds[0]);
        if (!gone) throw PoolError("pool: the fork server does not answer: it is still running");
        server_died();
        return std::nullopt;
    }

    /// The control socket reached its end (or broke): the server is dead or
    /// of no use. Killing it first makes the wait short whatever state it is in.
    void server_died() {
        ::close(control_);
        control_ = -1;
        ::kill(server_, SIGKILL);  // a no-op on the dead; a server we no longer understand goes too
        int status = 0;
        while (::waitpid(server_, &status, 0) < 0 && errno == EINTR) {
        }
        last_death_ = describe_exit(status);
        const std::string why = "the fork server (pid " + std::to_string(server_) + ") died (" + last_death_ + ")";
        for (pid_t pid : forked_) lost_[pid] = why;
        forked_.clear();
        server_ = -1;
        deaths_.push_back(Clock::now());
    }

    void start_server() {
        while (!deaths_.empty() && Clock::now() - deaths_.front() > kRestartWindow) deaths_.pop_front();
        const std::string again =
            last_death_.empty() ? "pool: " : "pool: the fork server died (" + last_death_ + ") and cannot be started again: ";
        if (deaths_.size() > kMaxRestarts) {
            throw PoolError("pool: the fork server died " + std::to_string(deaths_.size()) + " times within " +
                            std::to_string(kRestartWindow.count()) + " s (the last time " + last_death_ +
                            "); not starting it again");
        }
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
            throw PoolError(again + "cannot create the fork server's socket: " + std::strerror(errno));
        }
        int threads = count_threads();
        bool forked = threads <= 1;
        if (!forked && options_.spawn_worker.empty()) {
            ::close(fds[0]);
            ::close(fds[1]);
            if (!last_death_.empty()) {
                throw PoolError(again + "this process now runs " + std::to_string(threads) +
                                " threads, so it may not fork one, and the pool's handler is not registered by "
                                "name (PoolOptions::spawn_worker) for one to be spawned");
            }
            throw PoolError("pool: a ForkServer pool created in a process that runs " + std::to_string(threads) +
                            " threads spawns its server, so its handler must be registered by name: set "
                            "PoolOptions::spawn_worker (see register_spawned_worker), or create the pool "
                            "before the host starts threads");
        }
        try {
            server_ = forked ? fork_server(fds[1], options_, stderr_)
                             : spawn_self(SpawnRole::ForkServer, 0, fds[1], options_, stderr_);
        } catch (const PoolError& e) {
            ::close(fds[0]);
            ::close(fds[1]);
            if (last_death_.empty()) throw;
            throw PoolError(again + e.what());
        }
        ::close(fds[1]);
        control_ = fds[0];
        if (!forked) send_config_packets(control_, options_.spawn_config);
        ::fcntl(control_, F_SETFL, ::fcntl(control_, F_GETFL) | O_NONBLOCK);
    }

    static pid_t fork_server(int control, const PoolOptions& options, int worker_stderr) {
        pid_t master = ::getpid();
        std::fflush(nullptr);
        SignalsBlocked blocked;
        pid_t pid = ::fork();
        if (pid < 0) throw PoolError(std::string("pool: cannot fork the fork server: ") + std::strerror(errno));
        if (pid == 0) {
            use_as_stderr(worker_stderr);
            become_worker(control, master, options.inherit_fds);
            serve_fork_requests(control, master, options.inherit_fds, options.max_memory_bytes, [&](int slot) {
                if (!options.handler) return make_spawned_handler(options.spawn_worker, options.spawn_config, slot);
                if (options.initializer) options.initializer(slot);
                return options.handler;
            });
        }
        return pid;
    }
};

}  // namespace

std::unique_ptr<Launcher> make_fork_server_launcher(const PoolOptions& options, int worker_stderr) {
    if (!options.handler && options.spawn_worker.empty()) throw PoolError("pool: no handler given");
    if (!options.spawn_worker.empty() && !spawned_worker_known(options.spawn_worker)) {
        throw PoolError("pool: no worker registered as '" + options.spawn_worker + "'");
    }
    return std::make_unique<ForkServerLauncher>(options, worker_stderr);
}

}  // namespace pixpool::detail
