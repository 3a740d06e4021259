// The man page and the bash/zsh completions generated at build time: they
// render, they complete, and they agree with --help and the README (all come
// from the one option table).
#include "cli_support.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

namespace {

using namespace cli_test;

const fs::path kDocs = PIXPOOL_DOCS_DIR;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Runs `script` with /bin/sh; returns stdout (stderr is kept in `err`).
std::string sh(const Scratch& dir, const std::string& script, int* status = nullptr, std::string* err = nullptr) {
    std::ofstream(dir / "script.sh") << script;
    const std::string line = "sh '" + (dir / "script.sh").string() + "' >'" + (dir / "out").string() + "' 2>'" +
                             (dir / "err").string() + "'";
    const int raw = std::system(line.c_str());
    if (status) *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128;
    if (err) *err = read_text(dir / "err");
    return read_text(dir / "out");
}

/// What the bash completion offers for `line` (the cursor at its end).
std::set<std::string> complete(const std::string& line) {
    Scratch dir;
    const std::string script = "exec bash --norc -c '. \"" + (kDocs / "pixpool.bash").string() +
                               "\"; COMP_LINE=\"$1\"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< \"$1 x\"; "
                               "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); "
                               "[ \"${1% }\" = \"$1\" ] || COMP_CWORD=${#COMP_WORDS[@]}; "
                               "_pixpool; printf \"%s\\n\" \"${COMPREPLY[@]}\"' _ '" + line + "'\n";
    std::istringstream out(sh(dir, script));
    std::set<std::string> words;
    for (std::string word; std::getline(out, word);) {
        if (!word.empty()) words.insert(word);
    }
    return words;
}

/// The long options a command's --help lists.
std::set<std::string> help_options(const std::string& command) {
    Outcome r = run_pixpool({command, "--help"});
    std::set<std::string> options;
    std::regex option_re("^  (?:-[a-z0-9], )?(?:    )?(--[a-z0-9-]+)");
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);) {
        std::smatch m;
        if (std::regex_search(line, m, option_re)) options.insert(m[1]);
    }
    return options;
}

TEST(CliDocs, TheManPageRendersWithoutWarningsAndListsEveryOption) {
    Scratch dir;
    int status = -1;
    std::string err;
    const std::string page = sh(dir,
                                "MANWIDTH=80 MANPAGER=cat exec man --warnings -l '" +
                                    (kDocs / "pixpool.1").string() + "'\n",
                                &status, &err);
    ASSERT_EQ(status, 0) << err;
    EXPECT_EQ(err, "") << "roff warnings";
    EXPECT_NE(page.find("pixpool - batch image processing"), std::string::npos) << page.substr(0, 400);
    EXPECT_NE(page.find("gaussian_blur"), std::string::npos) << "the filters are in it";
    for (const std::string command : {"run", "blur", "bench", "video"}) {
        for (const std::string& option : help_options(command)) {
            EXPECT_NE(page.find(option), std::string::npos) << option << " of " << command << " is not in the man page";
        }
    }
}

TEST(CliDocs, BashCompletesCommandsFiltersParametersAndFormats) {
    EXPECT_EQ(complete("pixpool fil"), (std::set<std::string>{"filters"}));
    EXPECT_EQ(complete("pixpool run -f gau"), (std::set<std::string>{"gaussian_blur"}));
    const std::set<std::string> params = complete("pixpool run -f gaussian_blur:si");
    EXPECT_EQ(params, (std::set<std::string>{"sigma="})) << "bash replaces only what follows the ':'";
    const std::set<std::string> formats = complete("pixpool run --format ");
    EXPECT_TRUE(formats.count("jpeg") && formats.count("webp") && formats.count("tif")) << formats.size();
}

TEST(CliDocs, AnOptionsValueCompletesAsItsCommandTakesIt) {
    // run's -o is a folder, video's a file: the same spelling, two table entries.
    const std::string prefix = (kDocs / "pixpool.").string();
    EXPECT_EQ(complete("pixpool run -o " + prefix), (std::set<std::string>{})) << "no folder is named so";
    EXPECT_EQ(complete("pixpool video -o " + prefix), (std::set<std::string>{prefix + "1", prefix + "bash"}));
    EXPECT_EQ(complete("pixpool video --timeout "), (std::set<std::string>{})) << "a number: nothing to offer";
}

TEST(CliDocs, CompletionOffersExactlyTheOptionsHelpLists) {
    for (const std::string command : {"run", "blur", "bench", "video"}) {
        std::set<std::string> offered;
        for (const std::string& word : complete("pixpool " + command + " --")) offered.insert(word);
        std::set<std::string> listed = help_options(command);
        listed.insert("--config");  // a global option, taken anywhere
        EXPECT_EQ(offered, listed) << command;
    }
}

TEST(CliDocs, ZshCompletionIsGeneratedFromTheSameTable) {
    const std::string zsh = read_text(kDocs / "_pixpool");
    EXPECT_EQ(zsh.rfind("#compdef pixpool\n", 0), 0u);
    EXPECT_NE(zsh.find(read_text(kDocs / "pixpool.bash")), std::string::npos)
        << "zsh runs the generated bash completion through bashcompinit";
}

TEST(CliDocs, EveryOptionTheReadmeMentionsExists) {
    std::set<std::string> known = {"--help", "--config", "--version"};
    for (const std::string command : {"run", "blur", "bench", "video"}) {
        for (const std::string& option : help_options(command)) known.insert(option);
    }
    const std::string readme = read_text(fs::path(PIXPOOL_SOURCE_DIR) / "README.md");
    const std::string usage = readme.substr(readme.find("## Using it"), readme.find("## What happens") -
                                                                             readme.find("## Using it"));
    // Every pixpool command line in the section (not other tools' lines: sbatch, parallel).
    std::regex option_re("(^|[ `(])(--[a-z][a-z0-9-]+)");
    std::size_t seen = 0;
    std::istringstream lines(usage);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("pixpool ", 0) != 0) continue;
        for (std::sregex_iterator it(line.begin(), line.end(), option_re), end; it != end; ++it, ++seen) {
            EXPECT_TRUE(known.count((*it)[2])) << (*it)[2] << " is in the README but no command takes it";
        }
    }
    EXPECT_GE(seen, 8u) << "the README's examples use options";
}

}  // namespace
