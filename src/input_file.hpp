#pragma once
/// Reading an input once: one open, one fstat, the whole file into memory.
/// Everything after (the header check against the pixel limit, metadata,
/// decoding) works on those bytes, so it all sees the same file, and the
/// journal records the identity of what was actually read, even when the
/// path is replaced meanwhile (cp -p, rsync -a, tar x and mv keep an old
/// mtime).

#include <pixpool/image_job.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace pixpool::detail {

/// An input file's bytes and the identity of the file they came from.
struct InputBytes {
    std::string path;
    std::vector<unsigned char> bytes;
    FileIdentity identity;
};

/// Opens `path` with O_NONBLOCK (a FIFO or a device never blocks the
/// worker), checks from the descriptor that it is a regular file, and reads
/// all of it. Throws ImageError naming the file: "cannot read: <errno>"
/// (an I/O error anywhere in the file is the file's error, never a
/// warning), "is a directory", "not a regular file: a FIFO" (a character
/// device, a block device, a socket), "cannot decode: the file is empty".
InputBytes read_input_file(const std::string& path);

/// The identity of the file at `path` now (stat, following symlinks), for
/// comparing with a recorded one; false when it cannot be stat'ed.
bool identity_of_path(const std::string& path, FileIdentity& identity);

}  // namespace pixpool::detail
