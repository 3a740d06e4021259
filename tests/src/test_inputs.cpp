/// The master's helpers: where outputs go and which files a batch reads.

#include "test_util.hpp"

#include <pixpool/image_job.hpp>

#include <cstdlib>
#include <unistd.h>

namespace pixpool {
namespace {

namespace fs = std::filesystem;
using test_util::TempDir;

TEST(OutputPath, KeepsNameUnderOutDir) {
    EXPECT_EQ(output_path_for("photos/a.jpg", "out", OutputOptions{}), "out/a.jpg");
}

TEST(OutputPath, AddsPrefixAndSwapsFormat) {
    OutputOptions options;
    options.prefix = "blurred_";
    options.format = "webp";
    EXPECT_EQ(output_path_for("/data/x/Cat.Photo.PNG", "/tmp/o", options), "/tmp/o/blurred_Cat.Photo.webp");
}

TEST(OutputPath, FormatWithLeadingDotAndFileWithoutExtension) {
    OutputOptions options;
    options.format = ".png";
    EXPECT_EQ(output_path_for("raw", "o", options), "o/raw.png");
}

TEST(ImageExtension, CaseInsensitiveAndOnlyWhatOpenCvReads) {
    EXPECT_TRUE(has_image_extension("a.JPG"));
    EXPECT_TRUE(has_image_extension("dir.d/a.jpeg"));
    EXPECT_TRUE(has_image_extension("a.Tiff"));
    EXPECT_TRUE(has_image_extension("a.webp"));
    EXPECT_FALSE(has_image_extension("a.txt"));
    EXPECT_FALSE(has_image_extension("jpg"));
    EXPECT_FALSE(has_image_extension("a.jpg.bak"));
    EXPECT_FALSE(has_image_extension("a.gif"));
}

/// tree/ b.png a.JPG notes.txt .hidden.jpg sub/ c.webp sub/deeper/ d.tif
/// and .cache/ e.png, a hidden folder never listed.
void make_tree(const TempDir& dir) {
    fs::create_directories(dir.path() / "tree/sub/deeper");
    fs::create_directories(dir.path() / "tree/.cache");
    for (const char* name : {"tree/b.png", "tree/a.JPG", "tree/notes.txt", "tree/.hidden.jpg",
                             "tree/sub/c.webp", "tree/sub/deeper/d.tif", "tree/.cache/e.png"}) {
        test_util::write_bytes(dir / name, "x");
    }
}

TEST(CollectInputs, FolderGivesItsImagesSortedNotRecursing) {
    TempDir dir;
    make_tree(dir);
    const std::string tree = dir / "tree";
    EXPECT_EQ(collect_inputs({tree}, false), (std::vector<std::string>{tree + "/a.JPG", tree + "/b.png"}));
}

TEST(CollectInputs, RecursiveGoesDown) {
    TempDir dir;
    make_tree(dir);
    const std::string tree = dir / "tree";
    EXPECT_EQ(collect_inputs({tree}, true),
              (std::vector<std::string>{tree + "/a.JPG", tree + "/b.png", tree + "/sub/c.webp",
                                        tree + "/sub/deeper/d.tif"}));
}

TEST(CollectInputs, KeepsSpellingAndDeduplicatesSameFile) {
    TempDir dir;
    make_tree(dir);
    const std::string cwd = fs::current_path().string();
    ASSERT_EQ(::chdir(dir.path().c_str()), 0);
    const auto found = collect_inputs({"tree/sub/../b.png", "./tree", "tree/b.png", "tree/a.JPG"}, false);
    ASSERT_EQ(::chdir(cwd.c_str()), 0);
    // Sorted by spelling, then the first spelling of each file wins.
    EXPECT_EQ(found, (std::vector<std::string>{"./tree/a.JPG", "./tree/b.png"}));
}

TEST(CollectInputs, NamedFilesAreKeptEvenWithoutImageExtensionAndMissingOnesToo) {
    TempDir dir;
    make_tree(dir);
    const std::string missing = dir / "gone.jpg";
    const std::string text = dir / "tree/notes.txt";
    EXPECT_EQ(collect_inputs({text, missing}, false), (std::vector<std::string>{missing, text}));
}

TEST(CollectInputs, EmptyFolderGivesNothing) {
    TempDir dir;
    EXPECT_TRUE(collect_inputs({dir.path().string()}, true).empty());
}

}  // namespace
}  // namespace pixpool
