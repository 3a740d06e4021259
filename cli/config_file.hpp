#pragma once
/// --config FILE: taken from anywhere on the command line (CLI11 reads it
/// only before the command), and checked key by key before anything runs,
/// so a misspelled key is an error naming it and the file instead of a
/// setting silently ignored.

#include <string>
#include <vector>

namespace pixpool::cli {

/// Removes `--config FILE` / `--config=FILE` from `args` (up to a `--`) and
/// returns FILE, or "" when there is none. Throws UsageError when FILE is
/// missing or given twice.
std::string take_config_option(std::vector<std::string>& args);

/// Throws UsageError naming the file and the key for a key outside a
/// command's table, an unknown table, or a key that command does not take.
void check_config_keys(const std::string& path);

}  // namespace pixpool::cli
