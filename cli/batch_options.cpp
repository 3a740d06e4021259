#include "batch_options.hpp"

#include "option_table.hpp"

#include <pixpool/shard.hpp>

#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <type_traits>

namespace pixpool::cli {

namespace {

/// "-o,--output" as CLI11 spells it.
std::string cli11_names(const OptionSpec& spec) {
    if (spec.positional) return spec.long_name;
    std::string names = spec.short_name ? std::string("-") + spec.short_name + "," : "";
    return names + "--" + spec.long_name;
}

std::string number_text(double value) {
    std::ostringstream text;
    text << value;
    return text.str();
}

/// A number in [min, max]. Not CLI::Range: it lets NaN through (every
/// comparison with NaN is false), and NaN or a huge --timeout would break the
/// pool's deadline.
CLI::Validator number_in(const OptionSpec& spec) {
    const std::string name = "--" + spec.long_name;
    const double min = spec.min, max = spec.max;
    return CLI::Validator(
        [name, min, max](std::string& text) -> std::string {
            double value = 0;
            if (CLI::detail::lexical_cast(text, value) && std::isfinite(value) && value >= min && value <= max) {
                return "";
            }
            return name + " must be a number in [" + number_text(min) + ", " + number_text(max) + "], got '" +
                   text + "'";
        },
        "");
}

/// blur's filter: "gaussian_blur:sigma=S", S as the user wrote it (0.5, not 0.500000).
std::string blur_filter_spec(double sigma) {
    std::ostringstream spec;
    spec << "gaussian_blur:sigma=" << sigma;
    return spec.str();
}

/// Registers one table entry with CLI11, bound to its field in `flags`.
void add_option(CLI::App& app, BatchFlags& flags, const OptionSpec& spec) {
    std::visit(
        [&](auto get) {
            auto& value = get(flags);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, bool>) {
                app.add_flag(cli11_names(spec), value, spec.help);
            } else {
                CLI::Option* option = app.add_option(cli11_names(spec), value, spec.help);
                if (!spec.value_name.empty()) option->type_name(spec.value_name);
                if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                    // One value per occurrence: `--ext jpg photos/` must not take photos/.
                    if (!spec.positional) option->allow_extra_args(false);
                    if (spec.comma_list) option->delimiter(',');
                }
                if (spec.min < spec.max) option->check(number_in(spec));
                if (!spec.choices.empty()) option->transform(CLI::IsMember(spec.choices, CLI::ignore_case));
            }
        },
        spec.target);
}

}  // namespace

void add_batch_flags(CLI::App& app, BatchFlags& flags, const std::string& command) {
    flags.command = command;
    const unsigned bit = command_bit(command);
    for (const OptionSpec& spec : option_table()) {
        if (spec.takes(bit)) add_option(app, flags, spec);
    }
    if (bit & kWriting) app.get_option("--output")->excludes(app.get_option("--in-place"));
}

void finish_batch_flags(BatchFlags& flags) {
    const BatchOptions& b = flags.batch;
    if (b.input.paths.empty() && b.input.files_from.empty()) {
        throw UsageError("no inputs: name files, folders or globs, or use --files-from");
    }
    if (command_bit(flags.command) & kWriting && b.out_dir.empty() && !b.in_place) {
        throw UsageError("say where outputs go: -o DIR, or --in-place");
    }
    if (flags.command == "blur") flags.batch.filter_specs = {blur_filter_spec(flags.sigma)};
    flags.batch.start_method = flags.start_method == "spawn"        ? StartMethod::Spawn
                               : flags.start_method == "forkserver" ? StartMethod::ForkServer
                                                                    : StartMethod::Fork;
    flags.batch.read.fail_on_warning = flags.fail_on == "warning";
    flags.batch.read.auto_orient = !flags.no_auto_orient;
    flags.batch.read.shrink_on_load = !flags.no_shrink_on_load;
    flags.batch.read.filter_ycbcr = !flags.no_ycbcr;
    if (!flags.shard.empty()) {
        try {
            flags.batch.shard = parse_shard(flags.shard);
        } catch (const ShardError& e) {
            throw UsageError(e.what());
        }
    }
    const Shard& shard = flags.batch.shard;
    for (auto at = flags.report.find("{shard}"); at != std::string::npos; at = flags.report.find("{shard}")) {
        flags.report.replace(at, 7, std::to_string(shard.index) + "-of-" + std::to_string(shard.count));
    }
    LogConfig& log = flags.batch.log;
    log.level = !flags.log_level.empty() ? flags.log_level : flags.log_dir.empty() ? "warn" : "info";
    if (!flags.log_dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(flags.log_dir, ec);
        if (ec) throw UsageError("cannot create log folder " + flags.log_dir + ": " + ec.message());
        log.file_template = log_template_for_dir(flags.log_dir);
    }
}

}  // namespace pixpool::cli
