#pragma once
// A real terminal for CLI tests: a detached tmux session of a given size,
// on a server of its own (its own socket, no user config), running one
// script. The pane is read as a user would see it, with wrapped lines
// joined back (capture-pane -J), so a line that wrapped shows as longer
// than the pane.
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace cli_test {

/// 'text' for sh, whatever it holds.
inline std::string sh_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

/// Runs a shell command line and returns its stdout.
inline std::string output_of(const std::string& command) {
    std::FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) throw std::runtime_error("cannot run " + command);
    std::string out;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) out.append(buffer, n);
    ::pclose(pipe);
    return out;
}

class TmuxPane {
public:
    /// Starts `script` (run with sh) in a `width` x `height` pane. The
    /// history is kept long enough for a whole run.
    TmuxPane(const std::filesystem::path& folder, int width, int height, const std::string& script)
        : socket_((folder / "tmux.socket").string()) {
        const std::string script_path = (folder / "pane.sh").string();
        std::FILE* file = std::fopen(script_path.c_str(), "w");
        if (!file) throw std::runtime_error("cannot write " + script_path);
        std::fputs(script.c_str(), file);
        std::fclose(file);
        tmux("-f /dev/null start-server \\; set-option -g history-limit 100000 \\; new-session -d -s pane -x " +
             std::to_string(width) + " -y " + std::to_string(height) + " " + sh_quote("sh " + sh_quote(script_path)));
    }
    ~TmuxPane() { tmux("kill-server"); }
    TmuxPane(const TmuxPane&) = delete;
    TmuxPane& operator=(const TmuxPane&) = delete;

    /// What the pane shows (with `history`, and all that scrolled off it),
    /// one string per line, with wrapped lines joined and trailing blanks dropped.
    std::vector<std::string> lines(bool history = true) const {
        const std::string text = tmux(std::string("capture-pane -p -J ") + (history ? "-S - " : "") + "-t pane");
        std::vector<std::string> lines;
        std::size_t from = 0;
        for (std::size_t end; (end = text.find('\n', from)) != std::string::npos; from = end + 1) {
            std::string line = text.substr(from, end - from);
            while (!line.empty() && line.back() == ' ') line.pop_back();
            lines.push_back(line);
        }
        while (!lines.empty() && lines.back().empty()) lines.pop_back();
        return lines;
    }
    void send_keys(const std::string& keys) const { tmux("send-keys -t pane " + keys); }
    void resize(int width, int height) const {
        tmux("resize-window -t pane -x " + std::to_string(width) + " -y " + std::to_string(height));
    }

private:
    std::string tmux(const std::string& arguments) const {
        return output_of("tmux -S " + sh_quote(socket_) + " " + arguments + " 2>&1");
    }
    std::string socket_;
};

}  // namespace cli_test
