/// `pixpool status OUT`: how far a batch (or each of its shards) has got,
/// read from the journals in its output folder.

#include "commands.hpp"

#include <pixpool/status.hpp>

#include <iostream>

namespace pixpool::cli {

int status_command(const std::string& out_dir) {
    BatchStatus status;
    try {
        status = batch_status(out_dir);
    } catch (const std::runtime_error& e) {
        throw UsageError(e.what());
    }
    std::cout << describe(status) << std::flush;
    return status.all_done() ? kOk : kSomeFailed;
}

}  // namespace pixpool::cli
