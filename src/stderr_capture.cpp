#include "stderr_capture.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>

namespace pixpool::detail {

StderrCapture::StderrCapture() {
    std::fflush(stderr);
    capture_ = ::memfd_create("pixpool-decoder-messages", MFD_CLOEXEC);
    if (capture_ < 0) return;  // then warnings stay on stderr: nothing lost
    saved_ = ::dup(STDERR_FILENO);
    if (saved_ < 0 || ::dup2(capture_, STDERR_FILENO) < 0) {
        ::close(capture_);
        capture_ = -1;
    }
}

StderrCapture::~StderrCapture() { take(); }

std::string StderrCapture::take() {
    if (capture_ < 0) return {};
    std::fflush(stderr);
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    std::string text;
    char buffer[4096];
    ssize_t n;
    while ((n = ::pread(capture_, buffer, sizeof buffer, static_cast<off_t>(text.size()))) > 0) {
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(capture_);
    capture_ = saved_ = -1;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

}  // namespace pixpool::detail
