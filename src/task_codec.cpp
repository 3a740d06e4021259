/// Byte encoding of ImageTask and ImageOutcome for the pool's byte-string
/// tasks and results.
///
/// Layout: one tag byte ('T' task, 'O' outcome) so that a result can never be
/// mistaken for a task, then fields in order. Strings are a 4-byte
/// little-endian length and the bytes; integers are 4 bytes (8 for the input's
/// identity) and doubles their 8 IEEE-754 bytes, all little-endian. Master and workers are the same
/// binary, so this needs no versioning; it only needs to reject garbage.

#include "task_codec.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace pixpool {
namespace {

constexpr char task_tag = 'T';
constexpr char outcome_tag = 'O';

/// Appends the low `size` bytes of `value`, least significant first.
void put_uint(std::string& out, std::uint64_t value, int size) {
    for (int i = 0; i < size; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

void put_u32(std::string& out, std::uint32_t value) { put_uint(out, value, 4); }

void put_string(std::string& out, const std::string& text) {
    put_u32(out, static_cast<std::uint32_t>(text.size()));
    out += text;
}

void put_double(std::string& out, double value) {
    std::uint64_t bits = 0;
    static_assert(sizeof bits == sizeof value, "double must be 64 bits");
    std::memcpy(&bits, &value, sizeof bits);
    put_uint(out, bits, 8);
}

/// Reads fields in order; every read checks the remaining length, so
/// truncated or garbage input becomes an ImageError, never an overread.
class Reader {
public:
    Reader(const std::string& bytes, const char* what) : bytes_(bytes), what_(what) {}

    void expect_tag(char tag) {
        if (take(1)[0] != tag) fail("wrong record type");
    }
    std::uint64_t u(int size) {
        const std::string_view raw = take(static_cast<std::size_t>(size));
        std::uint64_t value = 0;
        for (int i = size - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(raw[i]);
        return value;
    }
    std::string string() {
        const auto size = static_cast<std::size_t>(u(4));
        return std::string(take(size));
    }
    int integer() { return static_cast<int>(static_cast<std::int32_t>(u(4))); }
    double number() {
        const std::uint64_t bits = u(8);
        double value = 0;
        std::memcpy(&value, &bits, sizeof value);
        return value;
    }
    void expect_end() {
        if (pos_ != bytes_.size()) fail("trailing bytes");
    }

private:
    std::string_view take(std::size_t size) {
        if (bytes_.size() - pos_ < size) fail("truncated");
        std::string_view raw(bytes_.data() + pos_, size);
        pos_ += size;
        return raw;
    }
    [[noreturn]] void fail(const char* why) const {
        throw ImageError(std::string("malformed ") + what_ + " (" + std::to_string(bytes_.size()) +
                         " bytes): " + why);
    }

    const std::string& bytes_;
    const char* what_;
    std::size_t pos_ = 0;
};

}  // namespace

std::string encode_task(const ImageTask& task) {
    std::string out(1, task_tag);
    put_string(out, task.input);
    put_string(out, task.output);
    return out;
}

ImageTask decode_task(const std::string& bytes) {
    Reader in(bytes, "image task");
    in.expect_tag(task_tag);
    ImageTask task;
    task.input = in.string();
    task.output = in.string();
    in.expect_end();
    return task;
}

std::string encode_outcome(const ImageOutcome& outcome) {
    std::string out(1, outcome_tag);
    put_u32(out, static_cast<std::uint32_t>(outcome.width));
    put_u32(out, static_cast<std::uint32_t>(outcome.height));
    put_double(out, outcome.decode_ms);
    put_double(out, outcome.filter_ms);
    put_double(out, outcome.encode_ms);
    put_string(out, outcome.warnings);
    put_uint(out, outcome.input.device, 8);
    put_uint(out, outcome.input.inode, 8);
    put_uint(out, outcome.input.size, 8);
    put_uint(out, static_cast<std::uint64_t>(outcome.input.mtime_ns), 8);
    put_uint(out, static_cast<std::uint64_t>(outcome.input.ctime_ns), 8);
    return out;
}

ImageOutcome decode_outcome(const std::string& bytes) {
    Reader in(bytes, "image outcome");
    in.expect_tag(outcome_tag);
    ImageOutcome outcome;
    outcome.width = in.integer();
    outcome.height = in.integer();
    outcome.decode_ms = in.number();
    outcome.filter_ms = in.number();
    outcome.encode_ms = in.number();
    outcome.warnings = in.string();
    outcome.input.device = in.u(8);
    outcome.input.inode = in.u(8);
    outcome.input.size = in.u(8);
    outcome.input.mtime_ns = static_cast<std::int64_t>(in.u(8));
    outcome.input.ctime_ns = static_cast<std::int64_t>(in.u(8));
    in.expect_end();
    return outcome;
}

}  // namespace pixpool
