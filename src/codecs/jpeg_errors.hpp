#pragma once
/// libjpeg's error manager as pixpool uses it, for decoding and encoding:
/// errors longjmp back to the caller with their text, the first warning is
/// kept as the file's warning, trace messages are dropped, nothing is
/// printed. Private to pixpool_src's codecs.

#include <cstdio>  // jpeglib.h needs FILE and size_t declared first
#include <jpeglib.h>

#include <csetjmp>
#include <string>

namespace pixpool::detail {

/// `manager` comes first so libjpeg's `err` pointer leads back to the whole.
struct JpegErrors {
    jpeg_error_mgr manager{};
    std::jmp_buf escape{};
    std::string error;     ///< why libjpeg gave up
    std::string warnings;  ///< the first warning; later ones follow from it
    int warning_count = 0;
};

/// Points `info`'s error manager at `errors`. The caller then does
/// `if (setjmp(errors.escape)) { ...libjpeg gave up... }`.
void use_jpeg_errors(jpeg_common_struct* info, JpegErrors& errors);

}  // namespace pixpool::detail
