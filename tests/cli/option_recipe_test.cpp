// The option table against the JSON recipe (issue 14): every option that
// changes how pixels and files are made reaches the resume journal's recipe
// and a spawned worker's configuration, so a worker never silently runs
// with a default and a rerun with another setting redoes the work. The
// options are set through the table itself, as the command line sets them,
// and the batch options built by finish_batch_flags, as the CLI builds them.
// (That every field of OutputOptions/ReadOptions is in the JSON at all is a
// static_assert in src/batch_recipe.cpp.)
#include "cli_support.hpp"

#include "batch_options.hpp"
#include "batch_recipe.hpp"
#include "option_table.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <type_traits>

namespace {

namespace fs = std::filesystem;
using cli_test::Scratch;
using namespace pixpool;
using namespace pixpool::cli;

/// The first image-batch command that takes the option: "run", "blur" or
/// "bench"; "" for video's own (a video has no journal or image recipe).
std::string command_taking(const OptionSpec& spec) {
    for (const char* command : {"run", "blur", "bench"}) {
        if (spec.takes(command_bit(command))) return command;
    }
    return "";
}

std::string number_text(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.15g", value);
    return text;
}

/// What the option's field holds in `flags`, as text, for comparisons.
std::string field_text(const OptionSpec& spec, BatchFlags& flags) {
    return std::visit(
        [&](auto get) -> std::string {
            const auto& value = get(flags);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_same_v<T, std::string>) {
                return value;
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                std::string joined;
                for (const auto& item : value) joined += item + "\n";
                return joined;
            } else {
                return number_text(static_cast<double>(value));
            }
        },
        spec.target);
}

/// A value for the option other than its default, found from the table:
/// another choice, the end of its range, its default plus one. Values with
/// a syntax of their own are given here.
std::string other_value(const OptionSpec& spec, const fs::path& scratch) {
    static const std::map<std::string, std::string> kSyntax = {
        {"shard", "1/2"}, {"halt", "fail=2"}, {"filter", "invert"}, {"name", "{stem}_x.{ext}"}};
    if (kSyntax.count(spec.long_name)) return kSyntax.at(spec.long_name);
    if (spec.completes == "dir" || spec.completes == "file") return (scratch / spec.long_name).string();
    BatchFlags defaults;
    const std::string current = field_text(spec, defaults);
    for (const std::string& choice : spec.choices) {
        if (choice != current) return choice;
    }
    if (spec.min < spec.max) return number_text(current == number_text(spec.max) ? spec.min : spec.max);
    return std::visit(
        [&](auto get) -> std::string {
            const auto& value = get(defaults);
            using T = std::decay_t<decltype(value)>;
            if constexpr (std::is_arithmetic_v<T>) return number_text(static_cast<double>(value) + 1);
            return "x";
        },
        spec.target);
}

/// BatchFlags parsed from `pixpool COMMAND in.jpg [-o DIR] ARGS...` and finished.
BatchFlags parse(const std::string& command, const std::vector<std::string>& args, const fs::path& scratch) {
    BatchFlags flags;
    CLI::App app{"pixpool"};
    CLI::App* sub = app.add_subcommand(command);
    add_batch_flags(*sub, flags, command);
    std::vector<std::string> words = {"pixpool", command, "in.jpg"};
    const bool own_output = !args.empty() && (args[0] == "--output" || args[0] == "--in-place");
    if (command_bit(command) & kWriting && !own_output) {
        words.push_back("-o");
        words.push_back((scratch / "out").string());
    }
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    app.parse(static_cast<int>(argv.size()), argv.data());
    finish_batch_flags(flags);
    return flags;
}

/// Whether the option's field is one of the batch's OutputOptions or ReadOptions.
bool lands_in_output_or_read(const OptionSpec& spec, BatchFlags& flags) {
    return std::visit(
        [&](auto get) {
            const auto* field = reinterpret_cast<const char*>(&get(flags));
            auto inside = [field](const auto& whole) {
                const auto* begin = reinterpret_cast<const char*>(&whole);
                return field >= begin && field < begin + sizeof whole;
            };
            return inside(flags.batch.output) || inside(flags.batch.read);
        },
        spec.target);
}

std::string recipe_of(const BatchOptions& batch) { return detail::recipe_text(batch, batch.filter_specs); }

TEST(OptionRecipe, EveryOptionOfOutputOrReadOptionsChangesTheRecipeAndReachesASpawnedWorker) {
    Scratch scratch;
    std::size_t in_recipe = 0;
    for (const OptionSpec& spec : option_table()) {
        const std::string command = command_taking(spec);
        if (spec.positional || command.empty()) continue;
        SCOPED_TRACE("--" + spec.long_name);
        BatchFlags base = parse(command, {}, scratch.path());
        std::vector<std::string> args = {"--" + spec.long_name};
        if (!spec.is_flag()) args.push_back(other_value(spec, scratch.path()));
        BatchFlags set = parse(command, args, scratch.path());
        ASSERT_NE(field_text(spec, set), field_text(spec, base)) << "the test did not change the option";

        const bool changes_recipe = recipe_of(set.batch) != recipe_of(base.batch);
        in_recipe += changes_recipe;
        if (lands_in_output_or_read(spec, set)) {
            EXPECT_TRUE(changes_recipe) << "the journal would not redo outputs made with another value";
        }
        // What a spawned worker decodes is what the master had.
        const detail::WorkerConfig worker = detail::decode_worker_config(detail::encode_worker_config(set.batch));
        BatchFlags seen = set;
        seen.batch.output = worker.output;
        seen.batch.read = worker.read;
        seen.batch.filter_specs = worker.filters;
        EXPECT_EQ(field_text(spec, seen), field_text(spec, set)) << "a spawned worker would see another value";
        EXPECT_EQ(recipe_of(seen.batch), recipe_of(set.batch));
        EXPECT_EQ(worker.log.level, set.batch.log.level);
        EXPECT_EQ(worker.log.file_template, set.batch.log.file_template);
        EXPECT_EQ(worker.log.pattern, set.batch.log.pattern);
    }
    // Not vacuous: the eight output options, the four read options (three
    // through negated or named flags), -f and blur's --sigma.
    EXPECT_GE(in_recipe, 14u);
}

TEST(OptionRecipe, HowTheBatchIsScheduledDoesNotRedoIt) {
    // More workers, a longer timeout or more logging make the same outputs:
    // a rerun with them must find the batch up to date.
    Scratch scratch;
    const std::string base = recipe_of(parse("run", {}, scratch.path()).batch);
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"-j", "7"}, {"--timeout", "5"}, {"--retries", "3"}, {"--log-level", "debug"},
          {"--start-method", "spawn"}, {"--max-memory", "100"}, {"--overwrite"}, {"--halt", "fail=1"}}) {
        EXPECT_EQ(recipe_of(parse("run", args, scratch.path()).batch), base) << args[0];
    }
}

TEST(OptionRecipe, ReadOptionsSetThroughTheirNegatedFlagsReachTheRecipe) {
    Scratch scratch;
    const BatchFlags base = parse("run", {}, scratch.path());
    for (const std::vector<std::string>& args : {std::vector<std::string>{"--no-auto-orient"},
                                                 {"--no-shrink-on-load"}, {"--no-ycbcr"}, {"--fail-on", "warning"}}) {
        const BatchFlags set = parse("run", args, scratch.path());
        EXPECT_NE(recipe_of(set.batch), recipe_of(base.batch)) << args[0];
    }
}

}  // namespace
