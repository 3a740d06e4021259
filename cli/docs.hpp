#pragma once
/// The man page and the shell completions, generated from the command,
/// option, filter and format tables (at build time, by the hidden command
/// `pixpool generate-docs man|bash|zsh`), so they never drift from --help.

#include <string>
#include <vector>

namespace pixpool::cli {

inline const char* const kGenerateCommand = "generate-docs";

/// `pixpool generate-docs man|bash|zsh`: prints the file on stdout.
int generate_command(const std::vector<std::string>& args);

std::string man_page();
std::string bash_completion();
std::string zsh_completion();

}  // namespace pixpool::cli
