/// The man page (roff) and bash/zsh completions, written from the tables.

#include "docs.hpp"

#include "commands.hpp"
#include "help.hpp"
#include "option_table.hpp"

#include <pixpool/filters.hpp>
#include <pixpool/formats.hpp>

#include <iostream>

namespace pixpool::cli {

namespace {

/// Text safe in roff: backslashes and dashes escaped, no line starting with a dot.
std::string roff(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        line_start = c == '\n';
        if (c == '\\') {
            out += "\\e";
        } else if (c == '-') {
            out += "\\-";
        } else {
            out += c;
        }
    }
    return out;
}

std::string man_option(const OptionSpec& spec) {
    std::string head;
    if (spec.positional) {
        head = "\\fI" + spec.value_name + "\\fR" + (spec.is_list() ? "..." : "");
    } else {
        if (spec.short_name) head = "\\fB\\-" + std::string(1, spec.short_name) + "\\fR, ";
        head += "\\fB\\-\\-" + roff(spec.long_name) + "\\fR";
        if (!spec.value_name.empty()) head += " \\fI" + roff(spec.value_name) + "\\fR";
    }
    std::string body = spec.help;
    if (!spec.choices.empty()) {
        std::string list;
        for (const auto& choice : spec.choices) list += (list.empty() ? "" : ", ") + choice;
        body += ". One of: " + list;
    }
    if (spec.min < spec.max) body += ". From " + std::to_string(int(spec.min)) + " to " + std::to_string(int(spec.max));
    if (!spec.default_text().empty()) body += ". Default: " + spec.default_text();
    body += ". Taken by: " + commands_taking(spec) + ".";
    return ".TP\n" + head + "\n" + roff(body) + "\n";
}

std::string man_filters() {
    std::string out = ".SH FILTERS\nA filter is \\fINAME\\fR[:\\fIkey\\fR=\\fIvalue\\fR[,...]]; "
                      "repeat \\fB\\-f\\fR to chain filters, applied in order.\n";
    for (const auto& filter : filters::registry()) {
        out += ".TP\n.B " + roff(filter.name) + "\n" + roff(filter.help) + "\n";
        for (const auto& param : filter.params) {
            out += ".br\n\\fI" + roff(param.name) + "\\fR: " + roff(param.help);
            if (!param.default_value.empty()) out += " (default " + roff(param.default_value) + ")";
            out += "\n";
        }
    }
    return out;
}

std::string man_formats() {
    std::string out = ".SH FORMATS\nExtensions are matched in any case.\n";
    for (const Format& format : formats()) {
        std::string exts;
        for (const auto& ext : format.extensions) exts += (exts.empty() ? "" : ", ") + ext;
        out += ".TP\n.B " + roff(format.name) + "\n" + roff(exts) + ": " +
               (format.writable ? "read, and written with --format" : "read; --format does not offer it") +
               (format.metadata ? "; keeps ICC, EXIF and XMP" : "") + ".\n";
    }
    return out;
}

}  // namespace

std::string man_page() {
    std::string out = ".TH PIXPOOL 1 \"\" \"pixpool " PIXPOOL_VERSION "\" \"User Commands\"\n";
    out += ".SH NAME\npixpool \\- batch image processing on a pool of worker processes\n";
    out += ".SH SYNOPSIS\n.B pixpool\n\\fICOMMAND\\fR [\\fIOPTIONS\\fR] \\fIINPUT\\fR...\n";
    out += ".SH DESCRIPTION\n" +
           roff("pixpool applies a chain of filters to many images on a pool of worker processes, one per CPU "
                "core. A file that crashes or hangs a decoder costs that one file. Progress, the summary and "
                "every diagnostic go to standard error; standard output carries only data: the --report - "
                "JSON Lines, the --dry-run plan, one image with -o -, and listings.") + "\n";
    out += ".SH COMMANDS\n";
    for (const CommandInfo& command : command_table()) {
        out += ".TP\n\\fBpixpool " + command.name + "\\fR " + roff(command.usage) + "\n" + roff(command.summary) + "\n";
    }
    out += ".SH OPTIONS\n.TP\n\\fB\\-\\-config\\fR \\fIFILE\\fR\n" +
           roff("read options from this TOML file, anywhere on the command line: long option names as keys, in "
                "a [run], [blur], [bench] or [video] table. An unknown key is an error. Options on the command "
                "line win.") +
           "\n.TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nprint the version\n"
           ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nprint the help of pixpool, or of the command it follows\n";
    std::string group;
    for (const OptionSpec& spec : option_table()) {
        if (spec.group != group) out += ".SS " + roff(group = spec.group) + "\n";
        out += man_option(spec);
    }
    out += man_filters() + man_formats();
    out += ".SH EXIT STATUS\n0 all files ok (skipped ones count as ok); 1 some files failed; 2 usage or "
           "configuration error, or no inputs; 130 interrupted.\n";
    out += ".SH EXAMPLES\n.nf\n" +
           roff("pixpool run photos/ -o blurred/ -f gaussian_blur:sigma=3\n"
                "pixpool run 'photos/**/*.jpg' -o web/ -f resize:width=1600 --format webp\n"
                "pixpool run photo.jpg -o - -f grayscale > gray.jpg\n"
                "pixpool bench photos/ --workers 1,2,4 --plot speedup.svg\n") +
           ".fi\n";
    return out;
}

int generate_command(const std::vector<std::string>& args) {
    const std::string what = args.empty() ? "" : args[0];
    if (what == "man") {
        std::cout << man_page();
    } else if (what == "bash") {
        std::cout << bash_completion();
    } else if (what == "zsh") {
        std::cout << zsh_completion();
    } else {
        throw UsageError(std::string(kGenerateCommand) + " takes man, bash or zsh");
    }
    return kOk;
}

}  // namespace pixpool::cli
