#include "help.hpp"

#include "option_table.hpp"

#include <sstream>

namespace pixpool::cli {

const std::vector<CommandInfo>& command_table() {
    static const std::vector<CommandInfo> table = {
        {"run", "[OPTIONS] INPUT... (-o DIR | --in-place)", "apply a chain of filters to every input, in parallel"},
        {"blur", "[OPTIONS] INPUT... (-o DIR | --in-place)", "Gaussian blur every input: run -f gaussian_blur:sigma=S"},
        {"bench", "[OPTIONS] INPUT...", "time the batch inline and on the pool; print speedup and efficiency"},
        {"filters", "[NAME]", "list every filter with its parameters, or one filter"},
        {"video", "VIDEO -o FILE -f FILTER...", "apply the filters to every frame of a video, on the frame pool"},
        {"formats", "", "list the image formats pixpool reads and writes"},
        {"status", "OUT", "done, failed and missing inputs of a run's output folder, per shard; exit 0 when all done"},
        {"merge-reports", "REPORT...", "the --report files of a batch's shards as one, on stdout"},
    };
    return table;
}

const CommandInfo* find_command(const std::string& name) {
    for (const CommandInfo& command : command_table()) {
        if (command.name == name) return &command;
    }
    return nullptr;
}

std::vector<std::string> command_names() {
    std::vector<std::string> names;
    for (const CommandInfo& command : command_table()) names.push_back(command.name);
    return names;
}

std::string wrap(const std::string& text, std::size_t indent, std::size_t width) {
    std::istringstream words(text);
    std::string out, line, word;
    std::size_t start = indent;  // the caller has put the first line's prefix
    while (words >> word) {
        if (!line.empty() && start + line.size() + 1 + word.size() > width) {
            out += line + "\n" + std::string(indent, ' ');
            line.clear();
            start = indent;
        }
        line += (line.empty() ? "" : " ") + word;
    }
    return out + line;
}

namespace {

constexpr std::size_t kHelpColumn = 26;

/// "  -o, --output DIR        help text..." wrapped at 80.
std::string help_row(const std::string& left, const std::string& help, std::size_t column = kHelpColumn) {
    std::string row = "  " + left;
    if (row.size() + 2 > column) {
        row += "\n" + std::string(column, ' ');
    } else {
        row += std::string(column - row.size(), ' ');
    }
    return row + wrap(help, column) + "\n";
}

std::string option_help(const OptionSpec& spec) {
    std::string help = spec.help;
    // Choices the help does not already name (--format's are in `pixpool formats`).
    if (!spec.choices.empty() && spec.long_name != "format" && help.find(spec.choices[0]) == std::string::npos) {
        std::string list;
        for (const auto& choice : spec.choices) list += (list.empty() ? "" : ", ") + choice;
        help += " (" + list + ")";
    }
    const std::string fallback = spec.default_text();
    if (!fallback.empty()) help += " (default: " + fallback + ")";
    return help;
}

}  // namespace

std::string short_usage() {
    std::string text = "usage: pixpool COMMAND [OPTIONS] INPUT...\n\ncommands:\n";
    for (const CommandInfo& command : command_table()) text += help_row(command.name, command.summary, 12);
    text += "\n'pixpool COMMAND --help' shows a command's options; 'man pixpool' has it all.\n";
    return text;
}

std::string program_help() {
    std::string text = "pixpool: batch image processing on a pool of worker processes, one per CPU core\n\n";
    text += short_usage() + "\noptions (before or after the command):\n";
    text += help_row("--config FILE", "read options from this TOML file: long option names as keys, in a [run], "
                                      "[blur], [bench] or [video] table; options given on the command line win");
    text += help_row("-V, --version", "print the version");
    text += help_row("-h, --help", "print this help");
    text += "\nexit status: 0 all ok, 1 some files failed, 2 usage or configuration error,\n130 interrupted.\n";
    return text;
}

std::string command_help(const std::string& name) {
    const CommandInfo* command = find_command(name);
    if (!command) return program_help();
    std::string text = "usage: pixpool " + command->name + " " + command->usage + "\n" +
                       wrap(command->summary, 0) + "\n";
    const unsigned bit = command_bit(name);
    std::string group;
    for (const OptionSpec& spec : option_table()) {
        if (!spec.takes(bit)) continue;
        if (spec.group != group) text += "\n" + (group = spec.group) + ":\n";
        text += help_row(spec.synopsis(), option_help(spec));
    }
    text += help_row("-h, --help", "print this help");
    if (bit != 0) {
        text += "\nEvery long option can also be set in a TOML file (pixpool --config FILE), in a\n"
                "[" + name + "] table, e.g.  jobs = 2  quiet = true.  Options on the command line win.\n";
    }
    return text;
}

}  // namespace pixpool::cli
