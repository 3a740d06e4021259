#pragma once
/// Master::InterruptsHeld: the interrupt signals (SIGINT, SIGTERM, SIGHUP,
/// SIGQUIT) blocked for as long as a call loops on poll_once, and let
/// through only inside its ppoll, so one that comes after the counter was
/// checked still wakes the wait at once. Held once per call rather than set
/// and reset around every wait: two system calls per wait were about two
/// per file in a batch of small files. A map_unordered callback runs with
/// them blocked; they are delivered at the next wait. Nested holds (a wait
/// inside a callback) keep the outermost one's mask. Nothing is held when
/// the host gave no interrupt counter (PoolOptions::interrupts).

#include "master.hpp"

namespace pixpool::detail {

class Master::InterruptsHeld {
public:
    explicit InterruptsHeld(Master& master);
    ~InterruptsHeld();
    InterruptsHeld(const InterruptsHeld&) = delete;
    InterruptsHeld& operator=(const InterruptsHeld&) = delete;

private:
    Master& master_;
    bool held_ = false;
};

}  // namespace pixpool::detail
