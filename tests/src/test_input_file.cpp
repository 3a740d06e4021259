/// Reading an input once (input_file.hpp): only regular files, decided from
/// the descriptor without blocking; the identity of what was read; and the
/// names-in-JSON helpers the journal and the report use.

#include "test_util.hpp"

#include "input_file.hpp"

#include <pixpool/json_names.hpp>

#include <sys/stat.h>
#include <unistd.h>

namespace pixpool {
namespace {

using test_util::sample;
using test_util::TempDir;

std::string error_of_reading(const std::string& path) {
    return test_util::error_of<ImageError>([&] { detail::read_input_file(path); });
}

TEST(InputFile, AFifoIsRefusedAtOnceInsteadOfBlockingTheWorker) {
    TempDir dir;
    const std::string path = dir / "x.jpg";
    ASSERT_EQ(::mkfifo(path.c_str(), 0644), 0);
    EXPECT_EQ(error_of_reading(path), path + ": not a regular file: a FIFO");
}

TEST(InputFile, ADeviceBehindAnImageNameIsNotAnEmptyFile) {
    TempDir dir;
    const std::string path = dir / "zero.jpg";
    std::filesystem::create_symlink("/dev/zero", path);
    EXPECT_EQ(error_of_reading(path), path + ": not a regular file: a character device");
}

TEST(InputFile, MissingFolderAndEmptyFileSaySo) {
    TempDir dir;
    EXPECT_EQ(error_of_reading(dir / "nope.jpg"), (dir / "nope.jpg") + ": cannot read: No such file or directory");
    EXPECT_EQ(error_of_reading(dir.path().string()), dir.path().string() + ": is a directory");
    test_util::write_bytes(dir / "empty.png", "");
    EXPECT_EQ(error_of_reading(dir / "empty.png"), (dir / "empty.png") + ": cannot decode: the file is empty");
}

TEST(InputFile, TheBytesAndTheIdentityAreThoseOfTheFileThatWasOpened) {
    TempDir dir;
    const std::string path = dir / "a.jpg";
    std::filesystem::copy_file(sample("coffee.jpg"), path);
    const detail::InputBytes input = detail::read_input_file(path);
    EXPECT_EQ(std::string(input.bytes.begin(), input.bytes.end()), test_util::read_bytes(path));
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(input.identity.inode, info.st_ino);
    EXPECT_EQ(input.identity.size, static_cast<std::uint64_t>(info.st_size));

    // Replaced by another file (as mv or tar x do): another identity.
    const std::string other = dir / "b.jpg";
    std::filesystem::copy_file(sample("coffee.jpg"), other);
    std::filesystem::rename(other, path);
    FileIdentity now;
    ASSERT_TRUE(detail::identity_of_path(path, now));
    EXPECT_NE(now, input.identity);
}

TEST(JsonNames, Utf8IsRecognisedAndBadBytesAreReplaced) {
    EXPECT_TRUE(is_utf8("plain.jpg"));
    EXPECT_TRUE(is_utf8("caf\xC3\xA9.jpg"));
    EXPECT_FALSE(is_utf8("old\xff\xfe.jpg"));
    EXPECT_FALSE(is_utf8("\xC0\xAF"));          // overlong '/'
    EXPECT_FALSE(is_utf8("\xED\xA0\x80"));      // a surrogate
    EXPECT_FALSE(is_utf8("\xE2\x82"));          // cut short
    EXPECT_EQ(utf8_or_replacement("a\xff" "b"), "a\xEF\xBF\xBD" "b");
}

TEST(JsonNames, Base64RoundTripsEveryByteAndMatchesRfc4648) {
    EXPECT_EQ(to_base64(""), "");
    EXPECT_EQ(to_base64("f"), "Zg==");
    EXPECT_EQ(to_base64("fo"), "Zm8=");
    EXPECT_EQ(to_base64("foobar"), "Zm9vYmFy");
    std::string all;
    for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
    EXPECT_EQ(from_base64(to_base64(all)), all);
    EXPECT_EQ(from_base64("Zg=="), "f");
    EXPECT_FALSE(from_base64("Zg=").has_value());
    EXPECT_FALSE(from_base64("Z=g=").has_value());
    EXPECT_FALSE(from_base64("Zm9v!mFy").has_value());
}

}  // namespace
}  // namespace pixpool
