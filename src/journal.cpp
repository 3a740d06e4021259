#include "journal.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;

namespace pixpool::detail {

namespace {

std::string identity_of(const std::string& path) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    return (ec ? fs::path(path) : absolute).lexically_normal().string();
}

std::int64_t mtime_ns(const fs::file_time_type& t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

}  // namespace

Journal::Journal(const std::string& out_dir) : path_((fs::path(out_dir) / kFileName).string()) {
    std::ifstream in(path_);
    std::string line;
    while (std::getline(in, line)) {
        nlohmann::json row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (!row.is_object() || !row.contains("output")) continue;  // torn or foreign line
        Entry entry;
        entry.input = row.value("input", "");
        entry.recipe = row.value("recipe", "");
        entry.input_size = row.value("input_size", std::uintmax_t{0});
        entry.input_mtime_ns = row.value("input_mtime_ns", std::int64_t{0});
        entries_[row["output"].get<std::string>()] = entry;
    }
}

bool Journal::up_to_date(const std::string& input, const std::string& output, const std::string& recipe) const {
    auto it = entries_.find(identity_of(output));
    if (it == entries_.end()) return false;
    const Entry& entry = it->second;
    std::error_code ec1, ec2, ec3, ec4;
    auto input_time = fs::last_write_time(input, ec1);
    auto output_time = fs::last_write_time(output, ec2);
    auto input_size = fs::file_size(input, ec3);
    bool output_there = fs::is_regular_file(output, ec4);
    if (ec1 || ec2 || ec3 || ec4 || !output_there) return false;
    return entry.input == identity_of(input) && entry.recipe == recipe && entry.input_size == input_size &&
           entry.input_mtime_ns == mtime_ns(input_time) && output_time >= input_time;
}

void Journal::record(const std::string& input, const std::string& output, const std::string& recipe) {
    std::error_code ec;
    nlohmann::json row = {
        {"output", identity_of(output)},
        {"input", identity_of(input)},
        {"recipe", recipe},
        {"input_size", fs::file_size(input, ec)},
        {"input_mtime_ns", mtime_ns(fs::last_write_time(input, ec))},
    };
    if (!appender_.is_open()) {
        fs::create_directories(fs::path(path_).parent_path(), ec);
        appender_.open(path_, std::ios::app);
    }
    appender_ << row.dump() << '\n' << std::flush;
    entries_[row["output"].get<std::string>()] = {row["input"], recipe, row["input_size"], row["input_mtime_ns"]};
}

}  // namespace pixpool::detail
