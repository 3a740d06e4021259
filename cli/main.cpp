/// pixpool: batch image processing on a pool of worker processes.

#include "commands.hpp"
#include "video_command.hpp"

#include <pixpool/batch.hpp>
#include <pixpool/filters.hpp>
#include <pixpool/pool.hpp>

#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <sstream>

using namespace pixpool::cli;

int main(int argc, char** argv) {
    pixpool::serve_if_spawned_image_worker();  // returns at once unless spawned as a worker
    // A closed report pipe (`--report - | head -1`) is an error pixpool
    // reports and exits non-zero for, not a silent death by SIGPIPE.
    ::signal(SIGPIPE, SIG_IGN);
    CLI::App app{"pixpool: batch image processing on a pool of worker processes, one per CPU core"};
    app.set_version_flag("--version", std::string("pixpool ") + PIXPOOL_VERSION);
    app.require_subcommand(1);
    app.set_config("--config", "", "read options from this TOML file: keys are the long option names, "
                                   "in a [run], [blur] or [bench] table; flags given here win");

    BatchFlags run_flags, blur_flags, bench_flags;
    CLI::App* run = app.add_subcommand("run", "apply a chain of filters to every input, in parallel");
    add_batch_flags(*run, run_flags, /*with_filters=*/true, /*output_required=*/true);

    double sigma = 3.0;
    CLI::App* blur = app.add_subcommand("blur", "Gaussian blur every input: run -f gaussian_blur:sigma=S");
    add_batch_flags(*blur, blur_flags, /*with_filters=*/false, /*output_required=*/true);
    blur->add_option("-s,--sigma", sigma, "blur strength (Gaussian sigma, in pixels)")->capture_default_str();

    CLI::App* bench = app.add_subcommand(
        "bench", "run the batch inline, then on the pool (into temporary folders); print speedup and efficiency");
    add_batch_flags(*bench, bench_flags, /*with_filters=*/true, /*output_required=*/false);

    VideoFlags video_flags;
    add_video_command(app, video_flags);

    CLI::App* list = app.add_subcommand("filters", "list every filter with its parameters");

    std::string status_dir;
    CLI::App* status = app.add_subcommand(
        "status", "from the journals in an output folder: how many inputs are done, failed (with the errors) and "
                  "missing, per shard and in all; exit 0 only when all are done");
    status->add_option("output", status_dir, "the -o folder of a run (or of every shard of one)")->required();

    std::vector<std::string> reports;
    CLI::App* merge = app.add_subcommand(
        "merge-reports", "the --report files of a batch's shards as one on stdout: one row per input and a summary");
    merge->add_option("reports", reports, "JSON Lines reports (--report) of the shards")->required();

    const char* config_keys =
        "\nEvery long option above can also be set in a TOML file read with `pixpool --config FILE`,\n"
        "in a table named after the command; options on the command line win. For example:\n"
        "  [run]\n  filter = [\"gaussian_blur:sigma=2\", \"resize:width=1600\"]\n  output = \"web\"\n"
        "  recursive = true\n  format = \"webp\"\n  log-dir = \"logs\"\n";
    for (CLI::App* command : {run, blur, bench}) command->footer(config_keys);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kOk : kUsage;
    }

    try {
        if (*run) return run_command(run_flags);
        if (*blur) {
            std::ostringstream spec;
            spec << "gaussian_blur:sigma=" << sigma;  // as the user wrote it: 0.5, not 0.500000
            blur_flags.batch.filter_specs = {spec.str()};
            return run_command(blur_flags);
        }
        if (*bench) return bench_command(bench_flags);
        if (*list) return filters_command();
        if (*video_flags.command) return video_command(video_flags);
        if (*status) return status_command(status_dir);
        if (*merge) return merge_reports_command(reports);
    } catch (const pixpool::filters::FilterError& e) {
        std::cerr << "pixpool: error: " << e.what() << "\n";
        return kUsage;
    } catch (const UsageError& e) {
        std::cerr << "pixpool: error: " << e.what() << "\n";
        return kUsage;
    } catch (const pixpool::PoolError& e) {
        std::cerr << "pixpool: error: " << e.what() << "\n";
        return kSomeFailed;
    } catch (const std::exception& e) {
        std::cerr << "pixpool: error: " << e.what() << "\n";
        return kUsage;
    }
    return kUsage;
}
