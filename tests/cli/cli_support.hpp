#pragma once
// Running the real pixpool binary from tests, and scratch folders for them.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "../process_tree.hpp"

extern char** environ;

namespace cli_test {

namespace fs = std::filesystem;

inline const std::string kBinary = PIXPOOL_BINARY;
inline const fs::path kSamples = fs::path(PIXPOOL_SOURCE_DIR) / "sample_images";

using process_tree::parent_of;

/// A temporary folder, removed with everything in it.
class Scratch {
public:
    Scratch() {
        std::string templ = (fs::temp_directory_path() / "pixpool-cli-test-XXXXXX").string();
        if (!::mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
        path_ = templ;
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

/// A running pixpool; `finish` collects its output and exit status.
class Process {
public:
    explicit Process(const std::vector<std::string>& args) {
        int out[2], err[2];
        if (::pipe(out) != 0 || ::pipe(err) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_adddup2(&actions, err[1], STDERR_FILENO);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        posix_spawn_file_actions_addclose(&actions, err[0]);
        std::vector<std::string> all = {kBinary};
        all.insert(all.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (auto& a : all) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (::posix_spawn(&pid_, kBinary.c_str(), &actions, nullptr, argv.data(), environ) != 0) {
            throw std::runtime_error("cannot start " + kBinary);
        }
        posix_spawn_file_actions_destroy(&actions);
        ::close(out[1]);
        ::close(err[1]);
        out_fd_ = out[0];
        err_fd_ = err[0];
    }

    pid_t pid() const { return pid_; }
    void signal(int sig) const { ::kill(pid_, sig); }

    /// Reads stdout and stderr to their end, then reaps. Returns the exit
    /// status, or 128 + signal if it was killed.
    int finish() {
        std::vector<pollfd> fds = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
        std::string* sinks[] = {&out, &err};
        int open = 2;
        while (open > 0) {
            if (::poll(fds.data(), fds.size(), -1) < 0) continue;
            for (int i = 0; i < 2; ++i) {
                if (fds[i].fd < 0 || fds[i].revents == 0) continue;
                char buffer[4096];
                ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
                if (n > 0) {
                    sinks[i]->append(buffer, static_cast<std::size_t>(n));
                } else {
                    ::close(fds[i].fd);
                    fds[i].fd = -1;
                    --open;
                }
            }
        }
        int status = 0;
        ::waitpid(pid_, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

    std::string out, err;

private:
    pid_t pid_ = -1;
    int out_fd_ = -1, err_fd_ = -1;
};

struct Outcome {
    int status;
    std::string out, err;
};

inline Outcome run_pixpool(const std::vector<std::string>& args) {
    Process p(args);
    int status = p.finish();
    return {status, p.out, p.err};
}

/// Runs pixpool with `name=value` set in its environment.
inline Outcome run_pixpool_with_env(const std::vector<std::string>& args,
                                    const std::vector<std::pair<std::string, std::string>>& env) {
    for (const auto& [name, value] : env) ::setenv(name.c_str(), value.c_str(), 1);
    Outcome outcome = run_pixpool(args);
    for (const auto& [name, value] : env) ::unsetenv(name.c_str());
    return outcome;
}

/// `count` tiny images (8x8 PPMs, each its own pixels) in `folder`,
/// s0000.ppm...: a batch whose files take about a millisecond each.
inline void make_small_images(const fs::path& folder, int count) {
    fs::create_directories(folder);
    for (int i = 0; i < count; ++i) {
        std::string name = std::to_string(i);
        name = "s" + std::string(4 - std::min<std::size_t>(4, name.size()), '0') + name + ".ppm";
        std::ofstream out(folder / name, std::ios::binary);
        out << "P6\n8 8\n255\n";
        for (int p = 0; p < 8 * 8 * 3; ++p) out.put(static_cast<char>((i * 31 + p) % 256));
    }
}

}  // namespace cli_test
