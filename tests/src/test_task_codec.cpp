/// The byte codec between master and workers: round trips keep every field,
/// and anything malformed is an ImageError rather than garbage or a crash.

#include "task_codec.hpp"

#include <gtest/gtest.h>

namespace pixpool {
namespace {

TEST(TaskCodec, TaskRoundTripKeepsPathsWithOddBytes) {
    static const char odd[] = "in/caf\xc3\xa9 \n with\0nul.jpg";
    ImageTask task;
    task.input = std::string(odd, sizeof odd - 1);
    task.output = "out/x.png";
    const ImageTask back = decode_task(encode_task(task));
    EXPECT_EQ(back.input, task.input);
    EXPECT_EQ(back.output, task.output);
}

TEST(TaskCodec, EmptyPathsRoundTrip) {
    const ImageTask back = decode_task(encode_task(ImageTask{}));
    EXPECT_EQ(back.input, "");
    EXPECT_EQ(back.output, "");
}

TEST(TaskCodec, OutcomeRoundTripIsExact) {
    ImageOutcome outcome;
    outcome.width = 4096;
    outcome.height = 1;
    outcome.decode_ms = 1.0 / 3.0;
    outcome.filter_ms = 0;
    outcome.encode_ms = 12345.678;
    const ImageOutcome back = decode_outcome(encode_outcome(outcome));
    EXPECT_EQ(back.width, 4096);
    EXPECT_EQ(back.height, 1);
    EXPECT_EQ(back.decode_ms, outcome.decode_ms);
    EXPECT_EQ(back.filter_ms, 0.0);
    EXPECT_EQ(back.encode_ms, outcome.encode_ms);
}

TEST(TaskCodec, EveryTruncationIsRejected) {
    const std::string bytes = encode_task(ImageTask{"a.jpg", "out/a.jpg"});
    for (std::size_t size = 0; size < bytes.size(); ++size) {
        EXPECT_THROW(decode_task(bytes.substr(0, size)), ImageError) << "size " << size;
    }
    const std::string outcome = encode_outcome(ImageOutcome{});
    for (std::size_t size = 0; size < outcome.size(); ++size) {
        EXPECT_THROW(decode_outcome(outcome.substr(0, size)), ImageError) << "size " << size;
    }
}

TEST(TaskCodec, TrailingBytesAreRejected) {
    EXPECT_THROW(decode_task(encode_task(ImageTask{"a", "b"}) + "x"), ImageError);
    EXPECT_THROW(decode_outcome(encode_outcome(ImageOutcome{}) + "x"), ImageError);
}

TEST(TaskCodec, OutcomeIsNotATaskAndViceVersa) {
    EXPECT_THROW(decode_task(encode_outcome(ImageOutcome{})), ImageError);
    EXPECT_THROW(decode_outcome(encode_task(ImageTask{"a", "b"})), ImageError);
}

TEST(TaskCodec, HugeLengthPrefixIsRejectedWithAMessage) {
    // Tag, then a length of 0xffffffff with no bytes behind it.
    const std::string bytes("T\xff\xff\xff\xff", 5);
    try {
        decode_task(bytes);
        FAIL() << "no exception";
    } catch (const ImageError& e) {
        EXPECT_NE(std::string(e.what()).find("malformed image task"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace pixpool
