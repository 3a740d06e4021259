#include "halt.hpp"

#include <cmath>
#include <cstdlib>

namespace pixpool::cli {

Halt::Halt(const BatchFlags& flags) {
    if (flags.halt_on_error) {
        limit_ = 1;
        spelled_ = "--halt-on-error";
    }
    if (flags.halt.empty()) return;
    spelled_ = "--halt " + flags.halt;
    const std::string bad = "--halt takes fail=N or fail=N% (N > 0), got '" + flags.halt + "'";
    if (flags.halt.rfind("fail=", 0) != 0) throw UsageError(bad);
    std::string number = flags.halt.substr(5);
    const bool percent = !number.empty() && number.back() == '%';
    if (percent) number.pop_back();
    char* end = nullptr;
    const double value = number.empty() ? 0 : std::strtod(number.c_str(), &end);
    if (number.empty() || *end != '\0' || !(value > 0) || (percent && value > 100) ||
        (!percent && value != std::floor(value))) {
        throw UsageError(bad);
    }
    if (percent) {
        percent_ = value;
    } else {
        limit_ = static_cast<std::size_t>(value);
    }
}

void Halt::planned(std::size_t files) {
    if (percent_ > 0) limit_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(files * percent_ / 100)));
}

bool Halt::file_done(bool failed) {
    failed_ += failed;
    if (limit_ > 0 && failed_ >= limit_) halted_ = true;
    return halted_;
}

std::string Halt::reason() const {
    return "halted after " + std::to_string(failed_) + (failed_ == 1 ? " failure" : " failures") + " (" +
           spelled_ + "): no new file was started";
}

}  // namespace pixpool::cli
