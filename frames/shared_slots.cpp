#include "shared_slots.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace pixpool::frames_detail {
namespace {

std::runtime_error system_error(const std::string& what) {
    return std::runtime_error("frame slots: " + what + ": " + std::strerror(errno));
}

unsigned char* map_shared(int fd, std::size_t bytes) {
    void* base = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) throw system_error("cannot map " + std::to_string(bytes) + " bytes");
    return static_cast<unsigned char*>(base);
}

/// Rounded up to whole pages, so every slot starts page-aligned.
std::size_t page_rounded(std::size_t bytes) {
    const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    return (bytes + page - 1) / page * page;
}

}  // namespace

SharedSlots::SharedSlots(std::size_t count, std::size_t slot_bytes) {
    address_ = {::getpid(), -1, page_rounded(slot_bytes), count};
    // Close-on-exec: workers open it through /proc, never by inheritance.
    address_.fd = ::memfd_create("pixpool-frames", MFD_CLOEXEC);
    if (address_.fd < 0) throw system_error("cannot create a memfd");
    // Sparse: the size reserves address space; only pages a frame touches use memory.
    if (::ftruncate(address_.fd, static_cast<off_t>(count * address_.slot_bytes)) != 0) {
        const auto error = system_error("cannot size the memfd");
        ::close(address_.fd);
        throw error;
    }
    try {
        base_ = map_shared(address_.fd, count * address_.slot_bytes);
    } catch (...) {
        ::close(address_.fd);
        throw;
    }
    for (std::size_t i = count; i-- > 0;) free_.push_back(i);
}

SharedSlots::~SharedSlots() {
    ::munmap(base_, address_.count * address_.slot_bytes);
    ::close(address_.fd);
}

std::optional<std::size_t> SharedSlots::take() {
    if (free_.empty()) return std::nullopt;
    const std::size_t index = free_.back();
    free_.pop_back();
    return index;
}

unsigned char* WorkerSlots::slot(std::size_t index) {
    if (index >= address_.count) throw std::runtime_error("frame slots: no slot " + std::to_string(index));
    if (mapped_in_ != ::getpid()) {
        const std::string path = "/proc/" + std::to_string(address_.master) + "/fd/" + std::to_string(address_.fd);
        const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) throw system_error("cannot open the master's memfd " + path);
        try {
            base_ = map_shared(fd, address_.count * address_.slot_bytes);
        } catch (...) {
            ::close(fd);
            throw;
        }
        ::close(fd);  // the mapping keeps the pages
        mapped_in_ = ::getpid();
    }
    return base_ + index * address_.slot_bytes;
}

}  // namespace pixpool::frames_detail
