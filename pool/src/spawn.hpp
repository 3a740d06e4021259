#pragma once
/// Starting this same executable afresh (posix_spawn) as a worker or as a
/// fork server. The new process learns its role from one environment
/// variable, which run_if_spawned_worker() reads first thing in main().

#include <pixpool/pool.hpp>

#include <sys/types.h>

#include <string>

namespace pixpool::detail {

enum class SpawnRole { Worker, ForkServer };

/// Spawns this executable in `role`, handing it `fd` (which it serves) and
/// the pool's inherit_fds, and `worker_stderr` as its stderr unless -1; the
/// caller sends it the pool's spawn_config. Throws PoolError if it cannot be started.
pid_t spawn_self(SpawnRole role, int slot, int fd, const PoolOptions& options, int worker_stderr);

/// The registered worker `name`'s handler for `slot`, built from `config`.
Handler make_spawned_handler(const std::string& name, const std::string& config, int slot);
bool spawned_worker_known(const std::string& name);

}  // namespace pixpool::detail
