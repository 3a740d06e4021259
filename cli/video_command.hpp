#pragma once
/// `pixpool video`: its options and the command.

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace pixpool::cli {

struct VideoFlags {
    std::string input;
    std::string output;
    std::vector<std::string> filter_specs;
    std::string codec;           ///< a FourCC; empty: from the output's extension
    int jobs = 0;                ///< 0: the usable CPUs
    double timeout_seconds = 0;  ///< per frame; 0: none
    bool quiet = false;
    CLI::App* command = nullptr; ///< set by add_video_command: `*command` is true when it was chosen
};

void add_video_command(CLI::App& app, VideoFlags& flags);
/// Returns the exit status: 0 every frame written, 1 some frames failed or
/// the input could not be read, 2 usage errors (thrown as UsageError), 130 interrupted.
int video_command(const VideoFlags& flags);

}  // namespace pixpool::cli
