#pragma once
/// --halt-on-error and --halt fail=N / fail=N% (after GNU parallel's
/// --halt): stop starting files once that many have failed; the running
/// ones finish, and the exit status is 1.

#include "batch_options.hpp"

#include <cstddef>

namespace pixpool::cli {

class Halt {
public:
    /// Reads the flags; throws UsageError for a --halt it cannot read.
    explicit Halt(const BatchFlags& flags);
    /// Once the number of files is known (N% is of them).
    void planned(std::size_t files);
    /// After each file; true once the batch should stop starting files.
    bool file_done(bool failed);
    bool halted() const { return halted_; }
    /// "halted after 2 failures (--halt fail=2)".
    std::string reason() const;

private:
    double percent_ = 0;         ///< fail=N%: N; 0 when a count is given
    std::size_t limit_ = 0;      ///< failures that halt; 0: never
    std::size_t failed_ = 0;
    bool halted_ = false;
    std::string spelled_;
};

}  // namespace pixpool::cli
