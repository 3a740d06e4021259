#include "config_file.hpp"

#include "batch_options.hpp"
#include "help.hpp"
#include "option_table.hpp"

#include <pixpool/did_you_mean.hpp>

#include <CLI/CLI.hpp>

#include <fstream>

namespace pixpool::cli {

std::string take_config_option(std::vector<std::string>& args) {
    std::string path;
    bool found = false;
    for (std::size_t i = 0; i < args.size() && args[i] != "--";) {
        std::string value;
        std::size_t taken = 0;
        if (args[i] == "--config") {
            if (i + 1 >= args.size()) throw UsageError("--config needs a file name");
            value = args[i + 1];
            taken = 2;
        } else if (args[i].rfind("--config=", 0) == 0) {
            value = args[i].substr(9);
            taken = 1;
        }
        if (taken == 0) {
            ++i;
            continue;
        }
        if (found) throw UsageError("--config given twice: " + path + " and " + value);
        found = true;
        path = value;
        args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i + taken));
    }
    if (found && path.empty()) throw UsageError("--config needs a file name");
    return path;
}

namespace {

std::vector<std::string> keys_of(unsigned command) {
    std::vector<std::string> keys;
    for (const OptionSpec& spec : option_table()) {
        if (spec.takes(command)) keys.push_back(spec.long_name);
    }
    return keys;
}

std::vector<std::string> tables() {
    std::vector<std::string> names;
    for (const std::string& name : command_names()) {
        if (command_bit(name)) names.push_back(name);
    }
    return names;
}

/// "[run], [blur], [bench], [video]".
std::string table_list() {
    std::string list;
    for (const std::string& name : tables()) list += (list.empty() ? "[" : ", [") + name + "]";
    return list;
}

void check_item(const std::string& path, const CLI::ConfigItem& item) {
    if (item.name == "++" || item.name == "--") {
        if (!item.parents.empty() && !command_bit(item.parents[0])) {
            throw UsageError(path + ": unknown table [" + item.parents[0] + "]" +
                             did_you_mean(item.parents[0], tables()) + "; tables: " + table_list());
        }
        return;
    }
    if (item.parents.empty()) {
        throw UsageError(path + ": key '" + item.name +
                         "' is outside a table: put it under one of " + table_list());
    }
    const std::string& table = item.parents[0];
    const unsigned command = command_bit(table);
    if (!command) {
        throw UsageError(path + ": unknown table [" + table + "]" + did_you_mean(table, tables()) +
                         "; tables: " + table_list());
    }
    const std::vector<std::string> keys = keys_of(command);
    if (item.parents.size() > 1 || std::find(keys.begin(), keys.end(), item.name) == keys.end()) {
        const std::string key = item.parents.size() > 1 ? item.fullname().substr(table.size() + 1) : item.name;
        std::string hint = did_you_mean(key, keys);
        if (hint.empty() && find_option("--" + key)) hint = " (" + table + " does not take --" + key + ")";
        throw UsageError(path + ": unknown key '" + key + "' in [" + table + "]" + hint);
    }
}

}  // namespace

void check_config_keys(const std::string& path) {
    if (!std::ifstream(path)) throw UsageError("cannot read the config file " + path);
    std::vector<CLI::ConfigItem> items;
    try {
        items = CLI::ConfigTOML().from_file(path);
    } catch (const CLI::Error& e) {
        throw UsageError(path + ": " + e.what());
    }
    for (const CLI::ConfigItem& item : items) check_item(path, item);
}

}  // namespace pixpool::cli
