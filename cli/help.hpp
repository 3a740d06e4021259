#pragma once
/// The commands, and every help text built from the command and option
/// tables: `pixpool` alone, `pixpool --help`, `pixpool COMMAND --help`. All
/// of it fits 80 columns.

#include <string>
#include <vector>

namespace pixpool::cli {

struct CommandInfo {
    std::string name;     ///< "run"
    std::string usage;    ///< "[OPTIONS] INPUT... -o DIR"
    std::string summary;  ///< one line
};

/// Every command, in the order help lists them.
const std::vector<CommandInfo>& command_table();
const CommandInfo* find_command(const std::string& name);
std::vector<std::string> command_names();

/// What `pixpool` alone prints (on stderr, exit 2): usage and the commands.
std::string short_usage();
/// `pixpool --help`: the short usage and the global options.
std::string program_help();
/// `pixpool COMMAND --help`, from the option table.
std::string command_help(const std::string& command);

/// `text` wrapped at `width` columns, every line after the first indented by `indent`.
std::string wrap(const std::string& text, std::size_t indent, std::size_t width = 80);

}  // namespace pixpool::cli
