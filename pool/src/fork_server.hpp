#pragma once
/// StartMethod::ForkServer: a small single-threaded server process that forks
/// every worker of one pool. The master hands it a new worker's socket over a
/// SOCK_SEQPACKET control socket (SCM_RIGHTS); the server forks a child that
/// serves that socket, answers with the child's pid, and reports each child's
/// wait status as it ends (the workers are its children, not the master's).

#include <pixpool/pool.hpp>

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

namespace pixpool::detail {

/// The server's loop; returns never. `make_handler(slot)` runs in each new
/// worker. Ends (and with it, by PR_SET_PDEATHSIG, its workers) when the
/// master closes the control socket.
[[noreturn]] void serve_fork_requests(int control, pid_t master, const std::vector<int>& inherit,
                                      std::size_t max_memory, const std::function<Handler(int slot)>& make_handler);

/// The spawned server's config, in packets (a SEQPACKET record is bounded).
void send_config_packets(int control, const std::string& config);
std::string receive_config_packets(int control);

}  // namespace pixpool::detail
