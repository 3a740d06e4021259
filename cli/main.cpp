/// pixpool: batch image processing on a pool of worker processes.
///
/// Streams: diagnostics, progress and the summary go to stderr; stdout
/// carries only data (the --report - JSON Lines, the --dry-run plan, one
/// image with -o -, listings and help). Exit status: see commands.hpp.

#include "commands.hpp"
#include "config_file.hpp"
#include "docs.hpp"
#include "help.hpp"
#include "option_table.hpp"
#include "video_command.hpp"
#include "video_program.hpp"

#include <pixpool/batch.hpp>
#include <pixpool/did_you_mean.hpp>
#include <pixpool/filters.hpp>
#include <pixpool/pool.hpp>

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>

using namespace pixpool::cli;
using pixpool::did_you_mean;

namespace {

/// Every spelling of the options `command` takes: "--quality", "-o".
std::vector<std::string> option_spellings(unsigned command) {
    std::vector<std::string> names = {"--help", "--config"};
    for (const OptionSpec& spec : option_table()) {
        if (!spec.takes(command) || spec.positional) continue;
        names.push_back("--" + spec.long_name);
        if (spec.short_name) names.push_back(std::string("-") + spec.short_name);
    }
    return names;
}

/// Why a command refuses an option that another command takes.
std::string why_not_taken(const std::string& command, const OptionSpec& spec) {
    if (command == "video") return "it is an option of " + commands_taking(spec);
    if (command == "bench") {
        if (spec.long_name == "inline") return "bench always times an inline run";
        return "bench writes to temporary folders, removes them and reports only timings";
    }
    if (spec.long_name == "sigma") return "use run -f gaussian_blur:sigma=S";
    if (spec.long_name == "filter") return "blur's filter is gaussian_blur; use run -f for others";
    return "it is an option of " + commands_taking(spec);
}

/// An argument CLI11 could not place: an unknown option, with a guess, or
/// an option of another command, with the reason.
std::string unexpected_argument(const std::string& command, const std::string& arg) {
    const std::string spelled = arg.substr(0, arg.find('='));
    if (spelled.size() < 2 || spelled[0] != '-') {
        return "unexpected argument '" + arg + "'";
    }
    if (const OptionSpec* spec = find_option(spelled)) {
        return command + " does not take " + spelled + ": " + why_not_taken(command, *spec);
    }
    return "unknown option " + spelled + did_you_mean(spelled, option_spellings(command_bit(command)));
}

int usage_error(const std::string& where, const std::string& message) {
    std::cerr << where << ": error: " << message << "\n";
    return kUsage;
}

/// The arguments of the commands that take no table options.
struct ListingArguments {
    std::string filter_name;           ///< filters [NAME]
    std::string output_folder;         ///< status OUT
    std::vector<std::string> reports;  ///< merge-reports REPORT...
};

/// The command's App: the table's options, help from the tables.
int run_command_line(const CommandInfo& command, std::vector<std::string> args, const std::string& config) {
    CLI::App app{"pixpool"};
    app.formatter_fn([](const CLI::App* a, std::string, CLI::AppFormatMode) {
        return a->get_parent() ? command_help(a->get_name()) : program_help();
    });
    if (!config.empty()) app.set_config("--config", config, "", /*config_required=*/true);
    BatchFlags flags;
    ListingArguments listing;
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    if (command_bit(command.name)) {
        add_batch_flags(*sub, flags, command.name);
    } else if (command.name == "filters") {
        sub->add_option("name", listing.filter_name, "one filter to describe");
    } else if (command.name == "status") {
        sub->add_option("output", listing.output_folder, "the -o folder of a run (or of every shard of one)")
            ->required();
    } else if (command.name == "merge-reports") {
        sub->add_option("reports", listing.reports, "JSON Lines reports (--report) of the shards")->required();
    }
    std::vector<std::string> argv_text = {"pixpool", command.name};
    argv_text.insert(argv_text.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_text) argv.push_back(a.data());
    const std::string where = "pixpool " + command.name;
    try {
        app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ExtrasError&) {
        std::vector<std::string> extra = sub->remaining();
        for (const auto& more : app.remaining()) extra.push_back(more);
        std::string first = extra.empty() ? "?" : extra.front();
        for (const auto& arg : extra) {
            if (!arg.empty() && arg[0] == '-') {
                first = arg;
                break;
            }
        }
        return usage_error(where, unexpected_argument(command.name, first) + "; see " + where + " --help");
    } catch (const CLI::ParseError& e) {
        return usage_error(where, std::string(e.what()) + "; see " + where + " --help");
    }
    if (command.name == "filters") return filters_command(listing.filter_name);
    if (command.name == "formats") return formats_command();
    if (command.name == "status") return status_command(listing.output_folder);
    if (command.name == "merge-reports") return merge_reports_command(listing.reports);
#ifdef PIXPOOL_VIDEO
    if (command.name == "video") return video_command(flags);
#endif
    if (command.name == "bench") return bench_command(flags);
    return run_command(flags);
}

int dispatch(std::vector<std::string> args, char** argv) {
    if (args.empty()) {
        std::cerr << short_usage();
        return kUsage;
    }
    const std::string config = take_config_option(args);
    // Global options may come before the command.
    if (args.empty()) return usage_error("pixpool", "no command given\n" + short_usage());
    const std::string& first = args.front();
    if (first == "-V" || first == "--version") {
        std::cout << "pixpool " << PIXPOOL_VERSION << "\n";
        return kOk;
    }
    if (first == "-h" || first == "--help") {
        std::cout << program_help();
        return kOk;
    }
    if (first == kGenerateCommand) return generate_command(std::vector<std::string>(args.begin() + 1, args.end()));
    const CommandInfo* command = find_command(first);
    if (!command) {
        if (!first.empty() && first[0] == '-') {
            std::string hint = did_you_mean(first, {"--help", "--version", "--config"});
            return usage_error("pixpool", "unknown option " + first + hint +
                                              "; options of a command go after it\n" + short_usage());
        }
        return usage_error("pixpool", "unknown command '" + first + "'" + did_you_mean(first, command_names()) +
                                          "\n" + short_usage());
    }
#ifndef PIXPOOL_VIDEO
    if (command->name == "video") return run_video_program(argv);
#else
    (void)argv;
#endif
    if (!config.empty()) check_config_keys(config);
    return run_command_line(*command, std::vector<std::string>(args.begin() + 1, args.end()), config);
}

}  // namespace

int main(int argc, char** argv) {
    pixpool::serve_if_spawned_image_worker();  // returns at once unless spawned as a worker
    // A closed report pipe (`--report - | head -1`) is an error pixpool
    // reports and exits non-zero for, not a silent death by SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    try {
        return dispatch(std::vector<std::string>(argv + 1, argv + argc), argv);
    } catch (const pixpool::filters::FilterError& e) {
        return usage_error("pixpool", e.what());
    } catch (const UsageError& e) {
        return usage_error("pixpool", e.what());
    } catch (const pixpool::PoolError& e) {
        std::cerr << "pixpool: error: " << e.what() << "\n";
        return kSomeFailed;
    } catch (const std::exception& e) {
        return usage_error("pixpool", e.what());
    } catch (...) {
        // A bug: caught only so that the stack unwinds first (the resume
        // journal writes what waits), then it ends the process loudly.
        throw;
    }
}
