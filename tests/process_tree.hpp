#pragma once
/// Who is whose parent, from /proc: how tests find a fork server (the
/// parent of the workers) without the pool exposing it.

#include <sys/types.h>

#include <fstream>
#include <string>

namespace process_tree {

/// The parent of `pid` (0 once it is gone).
inline pid_t parent_of(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string comm, state;
    pid_t self = 0, parent = 0;
    stat >> self >> comm >> state >> parent;
    return parent;
}

}  // namespace process_tree
