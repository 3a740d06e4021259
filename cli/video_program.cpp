#include "video_program.hpp"

#include "commands.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;

namespace pixpool::cli {

int run_video_program(char** argv) {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (ec) {
        std::cerr << "pixpool video: error: cannot find this program's folder to run pixpool-video: " << ec.message()
                  << "\n";
        return kSomeFailed;
    }
    const fs::path beside = self.parent_path() / "pixpool-video";
    const fs::path installed = self.parent_path().parent_path() / "libexec" / "pixpool" / "pixpool-video";
    int err = 0;
    for (const fs::path& program : {beside, installed}) {
        ::execv(program.c_str(), argv);
        if (err == 0 || errno != ENOENT) err = errno;  // the more telling of the two failures
    }
    std::cerr << "pixpool video: error: cannot run pixpool-video (" << beside.string() << " or " << installed.string()
              << "): " << std::strerror(err) << "\n";
    return kSomeFailed;
}

}  // namespace pixpool::cli
