#pragma once
// Small helpers shared by the pool tests.
#include <pixpool/pool.hpp>

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "../process_tree.hpp"

namespace pool_test {

/// Drives the pool until `count` tasks are running (workers must first say
/// they are ready), or two seconds pass.
inline void wait_until_running(pixpool::Pool& pool, std::size_t count) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (pool.tasks_running() < count && std::chrono::steady_clock::now() < deadline) {
        pool.poll_once(std::chrono::milliseconds(10));
    }
}

/// True while the process runs; a zombie counts as gone.
inline bool process_exists(pid_t pid) {
    if (::kill(pid, 0) != 0) return false;
    std::string stat_path = "/proc/" + std::to_string(pid) + "/stat";
    FILE* f = std::fopen(stat_path.c_str(), "r");
    if (!f) return false;
    char state = '?';
    int fields = std::fscanf(f, "%*d %*s %c", &state);
    std::fclose(f);
    return fields == 1 && state != 'Z';
}

using process_tree::parent_of;

}  // namespace pool_test
