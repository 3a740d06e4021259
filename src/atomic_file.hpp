#pragma once
/// Putting a file in place atomically: nobody (a reader, a rerun, a crash)
/// ever sees it half-written. Where the filesystem has O_TMPFILE the bytes
/// go into an unnamed file in the target's folder, which a killed worker
/// leaves nowhere, and it is linked in under its name; an output that
/// already exists is replaced by a rename from a short temporary name
/// (".pixpool-tmp-PID-XXXXXXXX", never longer than 30 bytes, so names of
/// up to 255 bytes work). Without O_TMPFILE the bytes go to such a short
/// name first.

#include <string>
#include <sys/types.h>

namespace pixpool::detail {

/// Writes `size` bytes at `path` as above. Returns 0 or the errno of the
/// failure; on failure nothing is left behind (no temporary, and an
/// existing file at `path` is untouched).
int write_file_atomically(const std::string& path, const void* data, std::size_t size);

/// ".pixpool-tmp-4711-": how this pid's temporaries start.
std::string temporary_prefix(pid_t pid);

/// Removes the temporaries of `pid` (a worker killed mid-write) in `folder`.
void remove_temporaries_of(const std::string& folder, pid_t pid);

/// Removes the temporaries in `folder` whose writer is dead (a master killed
/// by SIGKILL leaves its workers' ones behind), this version's names and the
/// older ".NAME.pixpool-tmp-PID-XXXXXX" alike; a live pid's are left.
void remove_stale_temporaries(const std::string& folder);

}  // namespace pixpool::detail
