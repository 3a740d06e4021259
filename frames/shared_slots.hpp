#pragma once
/// The frames' shared memory: one memfd cut into equal slots, mapped by the
/// master and by every worker. Private to the frames module.
///
/// The memfd is made before the pool starts, and a worker maps it through
/// /proc/<master pid>/fd/<n> rather than relying on what it inherited, so a
/// worker forked later, or by a fork server, finds the same pages.

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <vector>

namespace pixpool::frames_detail {

/// Where a worker finds the slots: plain values, copied into each worker.
struct SlotsAddress {
    pid_t master = 0;
    int fd = -1;
    std::size_t slot_bytes = 0;
    std::size_t count = 0;
};

/// The master's side: owns the memfd, its mapping and the free list.
class SharedSlots {
public:
    /// Throws std::runtime_error when the memfd cannot be made or mapped.
    SharedSlots(std::size_t count, std::size_t slot_bytes);
    ~SharedSlots();
    SharedSlots(const SharedSlots&) = delete;
    SharedSlots& operator=(const SharedSlots&) = delete;

    unsigned char* slot(std::size_t index) const { return base_ + index * address_.slot_bytes; }
    const SlotsAddress& address() const { return address_; }
    std::size_t free_count() const { return free_.size(); }
    std::optional<std::size_t> take();
    void give_back(std::size_t index) { free_.push_back(index); }

private:
    SlotsAddress address_;
    unsigned char* base_ = nullptr;
    std::vector<std::size_t> free_;
};

/// A worker's side: the same memfd mapped into this process on first use.
class WorkerSlots {
public:
    explicit WorkerSlots(SlotsAddress address) : address_(address) {}
    /// Maps the master's memfd if this process has not yet. Throws
    /// std::runtime_error saying why it cannot.
    unsigned char* slot(std::size_t index);
    std::size_t slot_bytes() const { return address_.slot_bytes; }

private:
    SlotsAddress address_;
    pid_t mapped_in_ = 0;  ///< the process that made `base_`; 0 before
    unsigned char* base_ = nullptr;
};

}  // namespace pixpool::frames_detail
