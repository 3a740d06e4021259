/// Where each output goes: the input tree mirrored under the output folder,
/// the name kept or built from a template, the extension swapped for --format.

#include "output_naming.hpp"

#include "working_folder.hpp"

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;

namespace pixpool {

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
}

}  // namespace

std::string output_path_for(const InputFile& input, const std::string& out_dir, const OutputOptions& output,
                            const std::string& name_template, const std::string& filter) {
    const fs::path in(input.path);
    const std::string in_ext = in.has_extension() ? in.extension().string().substr(1) : "";
    std::string ext = in_ext;
    if (!output.format.empty()) ext = output.format.front() == '.' ? output.format.substr(1) : output.format;
    // pixpool reads a GIF's first frame but writes no GIF: its output is a PNG.
    if (output.format.empty() && (ext == "gif" || ext == "GIF")) ext = "png";
    std::string name = name_template.empty() ? "{dir}/{stem}.{ext}" : name_template;
    if (name.find("{dir}") == std::string::npos) name = "{dir}/" + name;
    replace_all(name, "{stem}", in.stem().string());
    replace_all(name, "{inext}", in_ext);
    replace_all(name, "{ext}", ext);
    replace_all(name, "{filter}", filter);
    if (input.relative_dir.empty()) {
        // A file named directly sits in no subfolder: {dir} is empty, and a
        // separator written after it ('{dir}_{stem}') goes too, so no output
        // name starts with '.' (hidden) or '_'.
        replace_all(name, "{dir}/", "");
        const bool leading = name.rfind("{dir}", 0) == 0;
        replace_all(name, "{dir}", "");
        if (leading) name.erase(0, std::min(name.find_first_not_of("._-"), name.size()));
    } else {
        replace_all(name, "{dir}", input.relative_dir);
    }
    fs::path relative = fs::path(name).lexically_normal();
    const fs::path folder = out_dir.empty() ? in.parent_path() : fs::path(out_dir);
    fs::path path = folder / relative.parent_path() / (output.prefix + relative.filename().string());
    return path.lexically_normal().string();
}

std::string outside_folder(const std::string& output, const std::string& folder) {
    const fs::path base = detail::absolute_key(folder.empty() ? "." : folder);
    const fs::path path = detail::absolute_key(output);
    const fs::path relative = path.lexically_relative(base);
    if (relative.empty() || relative.is_absolute() || *relative.begin() == ".." || *relative.begin() == ".")
        return path.string();
    return "";
}

}  // namespace pixpool
