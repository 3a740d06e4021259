/// StartMethod::Spawn: workers are this same executable, started afresh with
/// posix_spawn, so a host that already runs threads never forks a copy of
/// itself mid-lock. The spawned process finds out what it is from one
/// environment variable, PIXPOOL_SPAWNED_WORKER="NAME:SLOT:MASTER_PID:FD:MAX_MEMORY",
/// reads its config as the first frame on FD, and serves tasks.

#include "frames.hpp"
#include "worker_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

extern char** environ;

namespace pixpool {

namespace {

constexpr const char* kEnvName = "PIXPOOL_SPAWNED_WORKER";

std::map<std::string, SpawnedWorker>& spawned_workers() {
    static std::map<std::string, SpawnedWorker> registry;
    return registry;
}

std::string this_executable() {
    char path[4096];
    ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) throw PoolError(std::string("spawn: cannot find this executable: ") + std::strerror(errno));
    return std::string(path, static_cast<std::size_t>(n));
}

}  // namespace

void register_spawned_worker(const std::string& name, SpawnedWorker make) {
    spawned_workers()[name] = std::move(make);
}

void run_if_spawned_worker() {
    const char* value = std::getenv(kEnvName);
    if (!value) return;
    std::string name, slot, master, fd, memory;
    std::istringstream fields(value);
    std::getline(fields, name, ':');
    std::getline(fields, slot, ':');
    std::getline(fields, master, ':');
    std::getline(fields, fd, ':');
    std::getline(fields, memory, ':');
    ::unsetenv(kEnvName);  // the worker's own children are not workers
    int socket = std::atoi(fd.c_str());
    pid_t master_pid = std::atoi(master.c_str());
    detail::set_up_worker_signals(master_pid);
    detail::limit_worker_memory(std::strtoull(memory.c_str(), nullptr, 10));
    detail::serve(socket, master_pid, [&]() -> Handler {
        auto it = spawned_workers().find(name);
        if (it == spawned_workers().end()) throw PoolError("no spawned worker registered as '" + name + "'");
        std::optional<std::string> config = detail::receive_frame(socket);
        if (!config) ::_exit(0);
        return it->second(*config, std::atoi(slot.c_str()));
    });
}

namespace detail {

StartedWorker spawn_worker(int slot, const PoolOptions& options) {
    if (!spawned_workers().count(options.spawn_worker)) {
        throw PoolError("spawn: no worker registered as '" + options.spawn_worker + "'");
    }
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        throw PoolError(std::string("cannot create a worker socket: ") + std::strerror(errno));
    }
    // dup2 onto a different number clears close-on-exec in the child only.
    int child_fd = fds[1] == 100 ? 101 : 100;
    std::string env_entry = std::string(kEnvName) + "=" + options.spawn_worker + ":" + std::to_string(slot) + ":" +
                            std::to_string(::getpid()) + ":" + std::to_string(child_fd) + ":" +
                            std::to_string(options.max_memory_bytes);
    std::vector<char*> env;
    for (char** e = environ; *e; ++e) {
        if (std::strncmp(*e, kEnvName, std::strlen(kEnvName)) != 0) env.push_back(*e);
    }
    env.push_back(env_entry.data());
    env.push_back(nullptr);
    std::string exe = this_executable();
    std::vector<char*> argv = {exe.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], child_fd);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid = -1;
    int err = ::posix_spawn(&pid, exe.c_str(), &actions, &attributes, argv.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(fds[1]);
    if (err != 0) {
        ::close(fds[0]);
        throw PoolError("cannot spawn a worker (" + exe + "): " + std::strerror(err));
    }
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    remember_master_socket(fds[0]);
    send_frame(fds[0], options.spawn_config);  // a worker that died already shows up as EOF
    return {pid, fds[0]};
}

}  // namespace detail

}  // namespace pixpool
