#pragma once
/// `-` as an input (one image read from stdin) and `-o -` (the one output
/// written to stdout), as mogrify and vipsthumbnail users pipe images.

#include "batch_options.hpp"
#include "scratch_folder.hpp"

#include <memory>

namespace pixpool::cli {

class StandardStreams {
public:
    /// Replaces a `-` input with a file in a scratch folder holding stdin,
    /// named stdin.EXT from its first bytes, and `-o -` with a scratch
    /// output folder. Throws UsageError for what cannot work (two `-`, `-`
    /// with --files-from -, -o - to a terminal or with --report -).
    explicit StandardStreams(BatchFlags& flags);
    bool output_to_stdout() const { return to_stdout_; }
    /// -o -: exactly one input; throws UsageError otherwise.
    void planned(std::size_t files) const;
    /// -o -: copies the one output to stdout. False when it cannot.
    bool send(const BatchReport& report) const;

private:
    std::unique_ptr<ScratchFolder> scratch_;
    bool to_stdout_ = false;
};

}  // namespace pixpool::cli
