#pragma once
/// `pixpool video` in the pixpool program: it runs pixpool-video, the same
/// commands built with OpenCV's videoio, so that the libraries video needs
/// are loaded only by runs that need them.

namespace pixpool::cli {

/// Replaces this process with pixpool-video given `argv` as it is (found
/// beside this program, as in the build tree, or in ../libexec/pixpool/, as
/// installed). Returns only when it cannot, having said why: exit status 1.
int run_video_program(char** argv);

}  // namespace pixpool::cli
