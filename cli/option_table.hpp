#pragma once
/// Every option of `run`, `blur`, `bench` and `video`, declared once, as filters are:
/// name, short flag, value, help, range or choices, which commands take it,
/// and where its value goes. The table drives CLI11, the TOML config's keys,
/// `--help`, the man page and the shell completions; the default shown is
/// read from a default-constructed BatchFlags, so it is never copied by hand.
///
/// Adding an option is one entry in option_table.cpp (and its field in
/// BatchFlags, if it needs a new one).

#include "batch_options.hpp"

#include <cstdint>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace pixpool::cli {

/// Which commands take an option (a bit set).
enum Commands : unsigned {
    kRun = 1,
    kBlur = 2,
    kBench = 4,
    kVideo = 8,
    kWriting = kRun | kBlur,    ///< the commands that write outputs where the user says
    kFiltering = kRun | kBench, ///< the image-batch commands with -f
    kAll = kRun | kBlur | kBench, ///< every image-batch command (not video)
};

/// Where an option's value lives in BatchFlags, one accessor type per value
/// type (std::size_t fields use the std::uint64_t one: the same type here).
using Target = std::variant<bool& (*)(BatchFlags&), int& (*)(BatchFlags&), double& (*)(BatchFlags&),
                            std::uint64_t& (*)(BatchFlags&), std::string& (*)(BatchFlags&),
                            std::vector<std::string>& (*)(BatchFlags&)>;
static_assert(std::is_same_v<std::size_t, std::uint64_t>, "size_t options need their own accessor type");

struct OptionSpec {
    std::string long_name;   ///< "quality" (also the TOML key); "inputs" for the positional
    char short_name = 0;     ///< 'o', or 0
    std::string value_name;  ///< "DIR", "N"; empty for a flag
    std::string group;       ///< the --help section
    std::string help;
    unsigned commands = kAll;
    Target target;
    std::vector<std::string> choices;  ///< allowed values (case-insensitive); empty: any
    double min = 0, max = 0;           ///< min < max: a numeric range, inclusive
    bool comma_list = false;           ///< a list option also splits its value at commas
    bool positional = false;
    std::string completes;             ///< what a shell completes the value with: "file", "dir", "filter", or ""
    bool show_default = true;          ///< false when the help says it better ("default: the usable CPUs")

    bool is_flag() const { return std::holds_alternative<bool& (*)(BatchFlags&)>(target); }
    bool is_list() const { return std::holds_alternative<std::vector<std::string>& (*)(BatchFlags&)>(target); }
    bool takes(unsigned command) const { return (commands & command) != 0; }
    /// "-o, --output DIR" as help and the man page show it; "INPUT..." for a positional list.
    std::string synopsis() const;
    /// The default as text ("3", "lzw"), from a default BatchFlags; "" when
    /// there is none worth showing (empty, false, a list).
    std::string default_text() const;
};

/// Every option, in help order.
const std::vector<OptionSpec>& option_table();

/// The option spelled `--name` or `-x` (dashes included), or nullptr.
const OptionSpec* find_option(const std::string& spelled);

/// The command's bit from its name ("run" -> kRun); 0 when it takes no table options.
unsigned command_bit(const std::string& command);

/// The commands that take the option: "run, blur".
std::string commands_taking(const OptionSpec& spec);

}  // namespace pixpool::cli
