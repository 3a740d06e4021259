#include "jpeg_errors.hpp"

namespace pixpool::detail {
namespace {

JpegErrors& errors_of(j_common_ptr info) { return *reinterpret_cast<JpegErrors*>(info->err); }

std::string message_of(j_common_ptr info) {
    char text[JMSG_LENGTH_MAX] = {};
    (*info->err->format_message)(info, text);
    return text;
}

[[noreturn]] void on_error(j_common_ptr info) {
    JpegErrors& errors = errors_of(info);
    errors.error = message_of(info);
    std::longjmp(errors.escape, 1);
}

/// Level -1 is a warning; higher levels are trace messages, never shown.
/// As libjpeg's own handler does, only the first warning is kept: the ones
/// after it follow from it ("Premature end of JPEG file", then "Corrupt JPEG
/// data: premature end of data segment"), and a damaged file can warn once
/// per segment, thousands of times.
void on_message(j_common_ptr info, int level) {
    if (level >= 0) return;
    JpegErrors& errors = errors_of(info);
    if (errors.warning_count++ == 0) errors.warnings = message_of(info);
}

}  // namespace

void use_jpeg_errors(jpeg_common_struct* info, JpegErrors& errors) {
    info->err = jpeg_std_error(&errors.manager);
    errors.manager.error_exit = on_error;
    errors.manager.emit_message = on_message;
}

}  // namespace pixpool::detail
