#include "worker_process.hpp"

#include "wire.hpp"

#include <dirent.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>

namespace pixpool::detail {

SignalsBlocked::SignalsBlocked() {
    sigset_t all;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &saved_);
}

SignalsBlocked::~SignalsBlocked() { ::pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }

void close_descriptors_except(std::vector<int> keep) {
    keep.push_back(2);  // 0, 1, 2 always stay
    std::sort(keep.begin(), keep.end());
    unsigned int from = 3;
    for (int fd : keep) {
        if (fd < 3) continue;
        auto upto = static_cast<unsigned int>(fd);
        if (upto > from && ::close_range(from, upto - 1, 0) != 0) {
            for (unsigned int f = from; f < upto; ++f) ::close(static_cast<int>(f));
        }
        from = std::max(from, upto + 1);
    }
    if (::close_range(from, UINT_MAX, 0) != 0) {
        for (long f = from, last = ::sysconf(_SC_OPEN_MAX); f < last; ++f) ::close(static_cast<int>(f));
    }
}

void become_worker(int fd, pid_t parent, const std::vector<int>& keep) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);  // the parent died before prctl took effect
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
    }
    ::signal(SIGINT, SIG_IGN);
    sigset_t none;
    sigemptyset(&none);
    ::pthread_sigmask(SIG_SETMASK, &none, nullptr);
    std::vector<int> kept = keep;
    kept.push_back(fd);
    close_descriptors_except(kept);
}

void use_as_stderr(int fd) {
    if (fd >= 0 && fd != STDERR_FILENO) ::dup2(fd, STDERR_FILENO);
}

void limit_worker_memory(std::size_t bytes) {
    if (bytes == 0) return;
    rlimit limit{static_cast<rlim_t>(bytes), static_cast<rlim_t>(bytes)};
    ::setrlimit(RLIMIT_DATA, &limit);
}

namespace {

/// Blocks until the next message; exits when the master is gone.
Message next_message(Inbox& inbox, int fd, pid_t parent) {
    Message m;
    while (!inbox.pop(m)) {
        if (inbox.read_once(fd) == Inbox::Read::Closed) ::_exit(0);
    }
    if (::getppid() != parent) ::_exit(0);
    return m;
}

std::string run(const Handler& handler, const std::string& payload, Kind& kind) {
    try {
        std::string value = handler(payload);
        kind = Kind::Ok;
        if (value.size() <= kMaxMessageBytes) return value;
        kind = Kind::Failed;
        return "result of " + std::to_string(value.size()) + " bytes is over the pool's limit of " +
               std::to_string(kMaxMessageBytes) + " bytes";
    } catch (const std::exception& e) {
        kind = Kind::Failed;
        return e.what();
    } catch (...) {
        kind = Kind::Failed;
        return "unknown exception";
    }
}

}  // namespace

/// After CPython's worker(): take a task, EOF ends the loop, run the
/// handler, send back (kind, id, value). Errors are data. Each result also
/// says which task this worker starts next, if it already holds one, so the
/// master always knows which task is running without a message of its own.
void serve(int fd, pid_t parent, const std::function<Handler()>& start) {
    Handler handler;
    try {
        handler = start();
    } catch (const std::exception& e) {
        send_message(fd, Kind::StartFailed, 0, std::string("worker failed to start: ") + e.what());
        ::_exit(3);
    } catch (...) {
        send_message(fd, Kind::StartFailed, 0, "worker failed to start: unknown exception");
        ::_exit(3);
    }
    // Only a worker that says it is ready is given a task, so a worker that
    // dies while starting never takes a task down with it.
    if (!send_message(fd, Kind::Ready, 0, "")) ::_exit(1);
    Inbox inbox;
    Message task = next_message(inbox, fd, parent);
    if (!send_message(fd, Kind::Started, task.id, "")) ::_exit(1);
    while (true) {
        Kind kind = Kind::Ok;
        std::string answer = run(handler, task.body, kind);
        inbox.take_arrived(fd);
        Message next;
        bool have_next = inbox.pop(next);
        if (!send_message(fd, kind, task.id, answer, have_next ? next.id : 0)) ::_exit(1);
        if (!have_next) {
            next = next_message(inbox, fd, parent);
            if (!send_message(fd, Kind::Started, next.id, "")) ::_exit(1);
        }
        task = std::move(next);
    }
}

int count_threads() {
    DIR* dir = ::opendir("/proc/self/task");
    if (!dir) return 0;
    int count = 0;
    while (dirent* entry = ::readdir(dir)) count += entry->d_name[0] != '.';
    ::closedir(dir);
    return count;
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

int exit_code(int status) {
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 0;
}

}  // namespace pixpool::detail
