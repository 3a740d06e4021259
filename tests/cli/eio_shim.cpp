// LD_PRELOAD shim: a disk that fails. Reads of any file whose path contains
// $PIXPOOL_EIO_PATH fail with EIO once $PIXPOOL_EIO_AFTER bytes (default 0)
// of it have been read, as a failing sector would make them. Used by the
// CLI tests to show that an I/O error is the file's error, never a warning.
// With $PIXPOOL_NO_TMPFILE set to a file's path, it is also a filesystem
// without O_TMPFILE (vfat, older NFS): such opens fail with EOPNOTSUPP, and
// each refusal appends a line to that file, so a test knows it was hit.
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <sys/types.h>
#include <unistd.h>

#define MAX_FDS 1024
namespace {
long long bytes_read[MAX_FDS];
char failing[MAX_FDS];

void watch(const char* path, int fd) {
    const char* marker = getenv("PIXPOOL_EIO_PATH");
    if (fd < 0 || fd >= MAX_FDS) return;
    failing[fd] = marker && *marker && path && std::strstr(path, marker) != nullptr;
    bytes_read[fd] = 0;
}

int open_mode(int flags, va_list args) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(args, int) : 0;
}

/// The real `name` (open or open64), with the descriptor watched.
int watched_open(const char* name, const char* path, int flags, int mode) {
    using Open = int (*)(const char*, int, ...);
    const auto real = reinterpret_cast<Open>(dlsym(RTLD_NEXT, name));
    const char* no_tmpfile = getenv("PIXPOOL_NO_TMPFILE");
    if (no_tmpfile && *no_tmpfile && (flags & O_TMPFILE) == O_TMPFILE) {
        const int log = real(no_tmpfile, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (log >= 0) {
            (void)!write(log, "O_TMPFILE refused\n", 18);
            close(log);
        }
        errno = EOPNOTSUPP;
        return -1;
    }
    const int fd = real(path, flags, mode);
    watch(path, fd);
    return fd;
}

}  // namespace

extern "C" {

int open(const char* path, int flags, ...) {
    va_list args;
    va_start(args, flags);
    const int mode = open_mode(flags, args);
    va_end(args);
    return watched_open("open", path, flags, mode);
}

int open64(const char* path, int flags, ...) {
    va_list args;
    va_start(args, flags);
    const int mode = open_mode(flags, args);
    va_end(args);
    return watched_open("open64", path, flags, mode);
}

ssize_t read(int fd, void* buffer, size_t size) {
    static ssize_t (*real)(int, void*, size_t) = nullptr;
    if (!real) real = reinterpret_cast<ssize_t (*)(int, void*, size_t)>(dlsym(RTLD_NEXT, "read"));
    if (fd >= 0 && fd < MAX_FDS && failing[fd]) {
        const char* after = getenv("PIXPOOL_EIO_AFTER");
        long long limit = after ? atoll(after) : 0;
        if (bytes_read[fd] >= limit) {
            errno = EIO;
            return -1;
        }
        if ((long long)size > limit - bytes_read[fd]) size = (size_t)(limit - bytes_read[fd]);
        ssize_t n = real(fd, buffer, size);
        if (n > 0) bytes_read[fd] += n;
        return n;
    }
    return real(fd, buffer, size);
}

}  // extern "C"
