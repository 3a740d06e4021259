/// StartMethod::Spawn, and the spawned fork server: workers are this same
/// executable, started afresh with posix_spawn, so a host that already runs
/// threads never forks a copy of itself mid-lock. The new process finds out
/// what it is from PIXPOOL_SPAWNED_WORKER="ROLE:SLOT:PARENT:FD:MAX_MEMORY:INHERIT_FDS:NAME",
/// reads the pool's spawn_config as its first message on FD, and serves.

#include "spawn.hpp"

#include "fork_server.hpp"
#include "launcher.hpp"
#include "wire.hpp"
#include "worker_process.hpp"

#include <signal.h>
#include <spawn.h>
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

struct SpawnedAs {
    detail::SpawnRole role = detail::SpawnRole::Worker;
    int slot = 0;
    pid_t parent = 0;
    int fd = -1;
    std::size_t max_memory = 0;
    std::vector<int> inherit;
    std::string name;
};

SpawnedAs parse(const char* value) {
    SpawnedAs as;
    std::istringstream fields(value);
    std::string role, slot, parent, fd, memory, inherit;
    std::getline(fields, role, ':');
    std::getline(fields, slot, ':');
    std::getline(fields, parent, ':');
    std::getline(fields, fd, ':');
    std::getline(fields, memory, ':');
    std::getline(fields, inherit, ':');
    std::getline(fields, as.name);
    as.role = role == "server" ? detail::SpawnRole::ForkServer : detail::SpawnRole::Worker;
    as.slot = std::atoi(slot.c_str());
    as.parent = std::atoi(parent.c_str());
    as.fd = std::atoi(fd.c_str());
    as.max_memory = std::strtoull(memory.c_str(), nullptr, 10);
    std::istringstream fds(inherit);
    for (std::string f; std::getline(fds, f, ',');) {
        if (!f.empty()) as.inherit.push_back(std::atoi(f.c_str()));
    }
    return as;
}

std::string receive_config(int fd) {
    detail::Inbox inbox;
    detail::Message m;
    while (!inbox.pop(m)) {
        if (inbox.read_once(fd) == detail::Inbox::Read::Closed) ::_exit(0);
    }
    return m.body;
}

/// A program that uses Spawn but forgot run_if_spawned_worker() runs its
/// whole main() in every worker; when it leaves, this says what is missing
/// instead of letting the pool report only that its workers keep dying.
struct ForgottenCallCheck {
    ForgottenCallCheck() {
        if (std::getenv(kEnvName)) std::atexit(&ForgottenCallCheck::at_exit);
    }
    static void at_exit() {
        const char* value = std::getenv(kEnvName);
        if (!value) return;
        detail::send_message(parse(value).fd, detail::Kind::StartFailed, 0,
                             "spawned worker: this program's main() never called "
                             "pixpool::run_if_spawned_worker(), which a Spawn or ForkServer pool needs first thing in main()");
    }
} forgotten_call_check;

}  // namespace

void register_spawned_worker(const std::string& name, SpawnedWorker make) {
    spawned_workers()[name] = std::move(make);
}

void run_if_spawned_worker() {
    const char* value = std::getenv(kEnvName);
    if (!value) return;
    SpawnedAs as = parse(value);
    ::unsetenv(kEnvName);  // the worker's own children are not workers
    detail::become_worker(as.fd, as.parent, as.inherit);
    if (as.role == detail::SpawnRole::ForkServer) {
        std::string config = detail::receive_config_packets(as.fd);
        detail::serve_fork_requests(as.fd, as.parent, as.inherit, as.max_memory, [&](int slot) {
            return detail::make_spawned_handler(as.name, config, slot);
        });
    }
    detail::limit_worker_memory(as.max_memory);
    detail::serve(as.fd, as.parent, [&]() -> Handler {
        std::string config = receive_config(as.fd);
        return detail::make_spawned_handler(as.name, config, as.slot);
    });
}

namespace detail {

bool spawned_worker_known(const std::string& name) { return spawned_workers().count(name) > 0; }

Handler make_spawned_handler(const std::string& name, const std::string& config, int slot) {
    auto it = spawned_workers().find(name);
    if (it == spawned_workers().end()) throw PoolError("no spawned worker registered as '" + name + "'");
    return it->second(config, slot);
}

pid_t spawn_self(SpawnRole role, int slot, int fd, const PoolOptions& options, int worker_stderr) {
    if (std::getenv(kEnvName)) {  // a spawned worker whose main() went on past the missing call
        throw PoolError("spawned worker: this program's main() never called pixpool::run_if_spawned_worker(), "
                        "so the worker went on to create a pool of its own");
    }
    if (!spawned_worker_known(options.spawn_worker)) {
        throw PoolError("spawn: no worker registered as '" + options.spawn_worker + "'");
    }
    // The child gets `fd` and each inherited descriptor through dup2, which
    // clears close-on-exec in the child only: `fd` at a number of its own,
    // each inherited one at its own number by way of a spare one.
    int child_fd = 1000;
    std::string inherit;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    for (std::size_t i = 0; i < options.inherit_fds.size(); ++i) {
        int spare = 1001 + static_cast<int>(i);
        posix_spawn_file_actions_adddup2(&actions, options.inherit_fds[i], spare);
        posix_spawn_file_actions_adddup2(&actions, spare, options.inherit_fds[i]);
        posix_spawn_file_actions_addclose(&actions, spare);
        inherit += (i ? "," : "") + std::to_string(options.inherit_fds[i]);
    }
    posix_spawn_file_actions_adddup2(&actions, fd, child_fd);
    if (worker_stderr >= 0) posix_spawn_file_actions_adddup2(&actions, worker_stderr, STDERR_FILENO);
    std::string env_entry = std::string(kEnvName) + "=" + (role == SpawnRole::ForkServer ? "server" : "worker") +
                            ":" + std::to_string(slot) + ":" + std::to_string(::getpid()) + ":" +
                            std::to_string(child_fd) + ":" + std::to_string(options.max_memory_bytes) + ":" +
                            inherit + ":" + options.spawn_worker;
    std::vector<char*> env;
    for (char** e = environ; *e; ++e) {
        if (std::strncmp(*e, kEnvName, std::strlen(kEnvName)) != 0) env.push_back(*e);
    }
    env.push_back(env_entry.data());
    env.push_back(nullptr);
    std::string exe = this_executable();
    std::vector<char*> argv = {exe.data(), nullptr};
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
    if (err != 0) throw PoolError("pool: cannot spawn " + exe + ": " + std::strerror(err));
    return pid;
}

namespace {

class SpawnLauncher : public Launcher {
public:
    SpawnLauncher(const PoolOptions& options, int worker_stderr) : options_(options), stderr_(worker_stderr) {}

    StartedWorker start(int slot) override {
        int fds[2];
        worker_socketpair(fds);
        pid_t pid;
        try {
            pid = spawn_self(SpawnRole::Worker, slot, fds[1], options_, stderr_);
        } catch (...) {
            ::close(fds[0]);
            ::close(fds[1]);
            throw;
        }
        ::close(fds[1]);
        return {pid, fds[0], std::make_shared<const std::string>(options_.spawn_config)};
    }

    std::optional<int> ended(pid_t pid) override { return try_wait(pid); }

private:
    const PoolOptions& options_;
    int stderr_;
};

}  // namespace

std::unique_ptr<Launcher> make_spawn_launcher(const PoolOptions& options, int worker_stderr) {
    if (!spawned_worker_known(options.spawn_worker)) {
        throw PoolError("spawn: no worker registered as '" + options.spawn_worker + "'");
    }
    return std::make_unique<SpawnLauncher>(options, worker_stderr);
}

}  // namespace detail

}  // namespace pixpool
