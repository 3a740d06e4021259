#include "journal.hpp"

#include "detail.hpp"
#include "input_file.hpp"
#include "working_folder.hpp"

#include <pixpool/json_names.hpp>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <limits>
#include <regex>
#include <type_traits>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace pixpool::detail {

namespace {

/// The key of a path: absolute and normalised, so two spellings are one.
std::string identity_of(const std::string& path) { return absolute_key(path).string(); }

/// The value at `key` when it is an integer that fits T (no floats: a
/// 1e300 would be undefined behaviour to convert).
template <typename T>
bool get_integer(const nlohmann::json& row, const char* key, T& value) {
    const auto it = row.find(key);
    if (it == row.end()) return false;
    if (it->is_number_unsigned()) {
        const auto v = it->get<std::uint64_t>();
        if (v > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
        value = static_cast<T>(v);
        return true;
    }
    if (it->is_number_integer() && std::is_signed<T>::value) {
        value = static_cast<T>(it->get<std::int64_t>());
        return true;
    }
    return false;
}

/// A plan's files as objects, so each name keeps its exact bytes (put_name).
nlohmann::json plan_json(const JournalPlan& plan) {
    nlohmann::json files = nlohmann::json::array();
    for (std::size_t i = 0; i < plan.inputs.size(); ++i) {
        nlohmann::json file = nlohmann::json::object();
        put_name(file, "input", plan.inputs[i]);
        put_name(file, "output", plan.outputs[i]);
        files.push_back(std::move(file));
    }
    nlohmann::json row = {{"shard", plan.shard.index}, {"of", plan.shard.count}, {"shard_files", plan.shard_files}};
    put_name(row, "out_dir", plan.out_dir);
    row["files"] = std::move(files);
    return nlohmann::json{{"plan", std::move(row)}};
}

std::optional<JournalPlan> plan_from(const nlohmann::json& row) {
    const nlohmann::json& p = row["plan"];
    JournalPlan plan;
    const auto out_dir = get_name(p, "out_dir");
    const auto files = p.find("files");
    const auto counts = p.find("shard_files");
    if (!out_dir || files == p.end() || !files->is_array() || counts == p.end() || !counts->is_array() ||
        !get_integer(p, "shard", plan.shard.index) || !get_integer(p, "of", plan.shard.count) ||
        plan.shard.count < 1 || plan.shard.index >= plan.shard.count || counts->size() != plan.shard.count) {
        return {};
    }
    plan.out_dir = *out_dir;
    for (const nlohmann::json& count : *counts) {
        if (!count.is_number_unsigned()) return {};
        plan.shard_files.push_back(count.get<std::size_t>());
    }
    for (const nlohmann::json& file : *files) {
        auto input = get_name(file, "input"), output = get_name(file, "output");
        if (!input || !output) return {};
        plan.inputs.push_back(std::move(*input));
        plan.outputs.push_back(std::move(*output));
    }
    return plan;
}

}  // namespace

std::string Journal::identity_of(const std::string& path) { return detail::identity_of(path); }

std::string Journal::file_name(const Shard& shard) {
    if (shard.whole()) return kFileName;
    return ".pixpool-journal.shard-" + std::to_string(shard.index) + "-of-" + std::to_string(shard.count) + ".jsonl";
}

std::optional<Shard> Journal::shard_of_file(const std::string& name) {
    if (name == kFileName) return Shard{};
    static const std::regex shard_name(R"(\.pixpool-journal\.shard-(\d{1,7})-of-(\d{1,7})\.jsonl)");
    std::smatch m;
    if (!std::regex_match(name, m, shard_name)) return {};
    Shard shard{static_cast<unsigned>(std::stoul(m[1])), static_cast<unsigned>(std::stoul(m[2]))};
    if (shard.count < 1 || shard.index >= shard.count) return {};
    return shard;
}

Journal::Journal(const std::string& out_dir, const Shard& shard)
    : path_((fs::path(out_dir) / file_name(shard)).string()) {
    std::ifstream in(path_, std::ios::binary);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) read_line(line);
    }
}

Journal::~Journal() {
    flush();
    if (fd_ >= 0) ::close(fd_);
}

/// A plan line, or a failure line: true when `row` was one (and is taken, or counted as bad).
bool Journal::read_plan_or_failure(const nlohmann::json& row) {
    if (!row.is_object()) return false;
    if (row.contains("plan")) {
        if (auto plan = plan_from(row)) {
            plan_ = std::move(plan);
        } else {
            ++bad_lines_;
        }
        return true;
    }
    const auto error = row.find("error");
    if (error == row.end()) return false;
    const auto output = get_name(row, "output");
    const auto input = get_name(row, "input");
    if (!output || !input || !error->is_string()) {
        ++bad_lines_;
    } else {
        last_by_input_[*input] = {*output, error->get<std::string>()};
    }
    return true;
}

void Journal::read_line(const std::string& line) {
    const nlohmann::json row = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (read_plan_or_failure(row)) return;
    Entry entry;
    const auto output = get_name(row, "output");
    const auto input = get_name(row, "input");
    const auto recipe = row.is_object() ? row.find("recipe") : row.end();
    FileIdentity& id = entry.identity;
    if (!output || !input || recipe == row.end() || !recipe->is_string() ||
        !get_integer(row, "input_device", id.device) || !get_integer(row, "input_inode", id.inode) ||
        !get_integer(row, "input_size", id.size) || !get_integer(row, "input_mtime_ns", id.mtime_ns) ||
        !get_integer(row, "input_ctime_ns", id.ctime_ns)) {
        ++bad_lines_;  // torn, foreign, from an older pixpool, or mistyped: that output is redone
        return;
    }
    entry.input = *input;
    entry.recipe = recipe->get<std::string>();
    entries_[*output] = std::move(entry);
    last_by_input_[*input] = {*output, ""};
}

bool Journal::up_to_date(const std::string& input, const std::string& output, const std::string& recipe) const {
    auto it = entries_.find(identity_of(output));
    if (it == entries_.end()) return false;
    const Entry& entry = it->second;
    FileIdentity now;
    struct stat out {};
    if (!identity_of_path(input, now) || ::stat(output.c_str(), &out) != 0 || !S_ISREG(out.st_mode)) return false;
    const std::int64_t output_mtime_ns = std::int64_t(out.st_mtim.tv_sec) * 1'000'000'000 + out.st_mtim.tv_nsec;
    return entry.input == identity_of(input) && entry.recipe == recipe && entry.identity == now &&
           output_mtime_ns >= now.mtime_ns;
}

bool Journal::open_for_append() {
    if (fd_ >= 0) return true;
    std::error_code ec;
    fs::create_directories(fs::path(path_).parent_path(), ec);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
    if (fd_ < 0) {
        write_error_ = std::strerror(errno);
        return false;
    }
    // A run killed mid-line leaves a torn last line: end it, so the next
    // record starts on a line of its own instead of being swallowed.
    struct stat info {};
    char last = '\n';
    if (::fstat(fd_, &info) == 0 && info.st_size > 0 && ::pread(fd_, &last, 1, info.st_size - 1) == 1 &&
        last != '\n') {
        write_all(fd_, "\n", 1);
    }
    return true;
}

namespace {

/// How long records may wait for company, and how much of them.
constexpr auto kBatchWindow = std::chrono::milliseconds(50);
constexpr std::size_t kBatchBytes = 64 * 1024;

/// One line of the journal, its bad bytes replaced: names are exact in
/// their _base64 fields, and the recipe is compared as a whole, so a
/// replaced byte there costs nothing.
std::string line_of(const nlohmann::json& row) {
    return row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

void Journal::record(const std::string& input, const std::string& output, const std::string& recipe,
                     const FileIdentity& read) {
    try {
        const std::string output_key = identity_of(output);
        const std::string input_key = identity_of(input);
        nlohmann::json row = nlohmann::json::object();
        put_name(row, "output", output_key);
        put_name(row, "input", input_key);
        row["recipe"] = recipe;
        row["input_device"] = read.device;
        row["input_inode"] = read.inode;
        row["input_size"] = read.size;
        row["input_mtime_ns"] = read.mtime_ns;
        row["input_ctime_ns"] = read.ctime_ns;
        append(line_of(row), {input_key, {output_key, ""}, Entry{input_key, recipe, read}}, false);
    } catch (const std::exception& e) {
        if (write_error_.empty()) write_error_ = e.what();
        ++unrecorded_;
    }
}

void Journal::record_failure(const std::string& input, const std::string& output, const std::string& error) {
    try {
        const std::string output_key = identity_of(output);
        const std::string input_key = identity_of(input);
        nlohmann::json row = nlohmann::json::object();
        put_name(row, "output", output_key);
        put_name(row, "input", input_key);
        row["error"] = error;
        append(line_of(row), {input_key, {output_key, error}, std::nullopt}, false);
    } catch (const std::exception& e) {
        if (write_error_.empty()) write_error_ = e.what();
        ++unrecorded_;
    }
}

void Journal::record_plan(const JournalPlan& plan) {
    if (plan_ && *plan_ == plan) return;  // a rerun of the same shard: the journal stays small
    try {
        if (append(line_of(plan_json(plan)), {}, true)) plan_ = plan;
    } catch (const std::exception& e) {
        if (write_error_.empty()) write_error_ = e.what();
        ++unrecorded_;
    }
}

void Journal::flush() {
    try {
        write_pending();
    } catch (const std::exception& e) {  // only an allocation can throw there
        if (write_error_.empty()) write_error_ = e.what();
        unrecorded_ += pending_.size();
        pending_.clear();
        pending_lines_.clear();
    }
}

bool Journal::append(const std::string& line, Pending effect, bool now) {
    pending_lines_ += line;
    pending_lines_ += '\n';
    pending_.push_back(std::move(effect));
    // The steady clock is read through the vDSO: no system call per record.
    if (now || !last_write_ || Clock::now() - *last_write_ >= kBatchWindow || pending_lines_.size() >= kBatchBytes) {
        return write_pending();
    }
    return true;
}

bool Journal::write_pending() {
    if (pending_.empty()) return true;
    int err = 0;
    if (!open_for_append()) {
        err = -1;  // write_error_ says why
    } else {
        // O_APPEND: one write puts whole lines at the end, even with two runs into one folder.
        err = write_all(fd_, pending_lines_.data(), pending_lines_.size());
    }
    last_write_ = Clock::now();
    if (err != 0) {
        if (err > 0 && write_error_.empty()) write_error_ = std::strerror(err);
        unrecorded_ += pending_.size();
    } else {
        for (Pending& done : pending_) {
            if (done.input.empty()) continue;  // the plan's line
            if (done.written) entries_[done.outcome.output] = std::move(*done.written);
            last_by_input_[done.input] = std::move(done.outcome);
        }
    }
    pending_.clear();
    pending_lines_.clear();
    return err == 0;
}

std::vector<std::string> Journal::problems() const {
    std::vector<std::string> lines;
    if (bad_lines_ > 0) {
        lines.push_back(path_ + ": skipped " + std::to_string(bad_lines_) + (bad_lines_ == 1 ? " line" : " lines") +
                        " that are not journal records (those outputs are made again)");
    }
    if (unrecorded_ > 0) {
        lines.push_back(path_ + ": cannot write: " + write_error_ + " (" + std::to_string(unrecorded_) +
                        " outputs not recorded; a rerun makes them again)");
    }
    return lines;
}

}  // namespace pixpool::detail
