/// The master's helpers: which files a batch reads and where outputs go.

#include "test_util.hpp"

#include "inputs.hpp"
#include "output_naming.hpp"

#include <cstdlib>
#include <fstream>
#include <unistd.h>

namespace pixpool {
namespace {

namespace fs = std::filesystem;
using test_util::TempDir;

std::vector<std::string> paths_of(const std::vector<InputFile>& files) {
    std::vector<std::string> paths;
    for (const auto& f : files) paths.push_back(f.path);
    return paths;
}

InputOptions folder(const std::string& path, bool recursive) {
    InputOptions options;
    options.paths = {path};
    options.recursive = recursive;
    return options;
}

TEST(OutputPath, KeepsNameUnderOutDir) {
    EXPECT_EQ(output_path_for({"photos/a.jpg", ""}, "out", OutputOptions{}), "out/a.jpg");
}

TEST(OutputPath, MirrorsTheFolderTheFileWasFoundIn) {
    EXPECT_EQ(output_path_for({"photos/2024/may/a.jpg", "2024/may"}, "out", OutputOptions{}), "out/2024/may/a.jpg");
}

TEST(OutputPath, AddsPrefixAndSwapsFormat) {
    OutputOptions options;
    options.prefix = "blurred_";
    options.format = "webp";
    EXPECT_EQ(output_path_for({"/data/x/Cat.Photo.PNG", ""}, "/tmp/o", options), "/tmp/o/blurred_Cat.Photo.webp");
}

TEST(OutputPath, FormatWithLeadingDotAndFileWithoutExtension) {
    OutputOptions options;
    options.format = ".png";
    EXPECT_EQ(output_path_for({"raw", ""}, "o", options), "o/raw.png");
}

TEST(OutputPath, NameTemplatePlaceholders) {
    OutputOptions options;
    options.format = "webp";
    InputFile in{"photos/trip/a.jpg", "trip"};
    EXPECT_EQ(output_path_for(in, "out", options, "{stem}_{filter}.{ext}", "gaussian_blur"),
              "out/trip/a_gaussian_blur.webp");
    EXPECT_EQ(output_path_for(in, "out", options, "flat/{stem}.{ext}", ""), "out/trip/flat/a.webp");
    EXPECT_EQ(output_path_for(in, "out", options, "{dir}-{stem}.{ext}", ""), "out/trip-a.webp");
}

TEST(OutputPath, InPlaceMeansBesideTheInput) {
    EXPECT_EQ(output_path_for({"photos/a.jpg", ""}, "", OutputOptions{}), "photos/a.jpg");
}

TEST(ImageExtension, CaseInsensitiveAndOnlyWhatPixpoolReads) {
    EXPECT_TRUE(has_image_extension("a.JPG"));
    EXPECT_TRUE(has_image_extension("dir.d/a.jpeg"));
    EXPECT_TRUE(has_image_extension("a.Tiff"));
    EXPECT_TRUE(has_image_extension("a.webp"));
    EXPECT_FALSE(has_image_extension("a.txt"));
    EXPECT_FALSE(has_image_extension("jpg"));
    EXPECT_FALSE(has_image_extension("a.jpg.bak"));
    EXPECT_TRUE(has_image_extension("a.gif"));   // giflib, the first frame
    EXPECT_TRUE(has_image_extension("IMG_0001.HEIC"));
    EXPECT_TRUE(has_image_extension("a.avif"));
    EXPECT_FALSE(has_image_extension("a.psd"));
}

TEST(ImageExtension, AnExplicitListWins) {
    EXPECT_TRUE(has_image_extension("a.PNG", {"png"}));
    EXPECT_TRUE(has_image_extension("a.png", {".png", "jpg"}));
    EXPECT_FALSE(has_image_extension("a.jpeg", {"png"}));
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
    EXPECT_EQ(paths_of(collect_inputs(folder(tree, false))), (std::vector<std::string>{tree + "/a.JPG", tree + "/b.png"}));
}

TEST(CollectInputs, FilesOfOtherFormatsAreSetApartNotDropped) {
    TempDir dir;
    make_tree(dir);
    const std::string tree = dir / "tree";
    std::vector<InputFile> unsupported;
    EXPECT_EQ(paths_of(collect_inputs(folder(tree, true), &unsupported)).size(), 4u);
    EXPECT_EQ(paths_of(unsupported), (std::vector<std::string>{tree + "/notes.txt"}));  // not the hidden ones
    EXPECT_EQ(unsupported_reason(tree + "/notes.txt"), "unsupported format .txt");
    EXPECT_EQ(unsupported_reason(tree + "/Makefile"), "unsupported format (no extension)");
    InputOptions chosen = folder(tree, true);
    chosen.extensions = {"png"};  // the user chose: the rest are left out on purpose
    EXPECT_EQ(paths_of(collect_inputs(chosen, &unsupported)), (std::vector<std::string>{tree + "/b.png"}));
    EXPECT_TRUE(unsupported.empty());
}

TEST(CollectInputs, RecursiveGoesDownAndRemembersWhere) {
    TempDir dir;
    make_tree(dir);
    const std::string tree = dir / "tree";
    const auto found = collect_inputs(folder(tree, true));
    EXPECT_EQ(found, (std::vector<InputFile>{{tree + "/a.JPG", ""},
                                             {tree + "/b.png", ""},
                                             {tree + "/sub/c.webp", "sub"},
                                             {tree + "/sub/deeper/d.tif", "sub/deeper"}}));
}

TEST(CollectInputs, ExtensionsLimitWhatFoldersGive) {
    TempDir dir;
    make_tree(dir);
    InputOptions options = folder(dir / "tree", true);
    options.extensions = {"png", "tif"};
    EXPECT_EQ(paths_of(collect_inputs(options)),
              (std::vector<std::string>{dir / "tree/b.png", dir / "tree/sub/deeper/d.tif"}));
}

TEST(CollectInputs, AnExcludedFolderInsideAnInputIsNotRead) {
    TempDir dir;
    make_tree(dir);
    InputOptions options = folder(dir / "tree", true);
    options.exclude = {dir / "tree/sub"};
    EXPECT_EQ(paths_of(collect_inputs(options)), (std::vector<std::string>{dir / "tree/a.JPG", dir / "tree/b.png"}));
}

TEST(CollectInputs, GlobsAreExpandedWithDoubleStar) {
    TempDir dir;
    make_tree(dir);
    InputOptions options;
    options.paths = {dir / "tree/**/*.webp", dir / "tree/*.png"};
    const auto found = collect_inputs(options);
    EXPECT_EQ(found, (std::vector<InputFile>{{dir / "tree/b.png", ""}, {dir / "tree/sub/c.webp", "sub"}}));
}

TEST(CollectInputs, FilesFromReadsLinesOrNulSeparatedNamesWithNewlines) {
    TempDir dir;
    make_tree(dir);
    const std::string odd = dir / "tree/odd\nname.png";
    test_util::write_bytes(odd, "x");
    const std::string list = dir / "list";
    {
        std::ofstream out(list, std::ios::binary);
        out << (dir / "tree/b.png") << '\0' << odd << '\0';
    }
    InputOptions options;
    options.files_from = list;
    options.null_separated = true;
    EXPECT_EQ(paths_of(collect_inputs(options)), (std::vector<std::string>{dir / "tree/b.png", odd}));
    {
        std::ofstream out(list);
        out << (dir / "tree/a.JPG") << "\n\n" << (dir / "tree/sub/c.webp") << "\r\n";
    }
    options.null_separated = false;
    EXPECT_EQ(paths_of(collect_inputs(options)),
              (std::vector<std::string>{dir / "tree/a.JPG", dir / "tree/sub/c.webp"}));
    options.files_from = dir / "no-such-list";
    EXPECT_THROW(collect_inputs(options), std::runtime_error);
}

TEST(CollectInputs, KeepsSpellingAndDeduplicatesSameFile) {
    TempDir dir;
    make_tree(dir);
    const std::string cwd = fs::current_path().string();
    ASSERT_EQ(::chdir(dir.path().c_str()), 0);
    InputOptions options;
    options.paths = {"tree/sub/../b.png", "./tree", "tree/b.png", "tree/a.JPG"};
    const auto found = paths_of(collect_inputs(options));
    ASSERT_EQ(::chdir(cwd.c_str()), 0);
    // Sorted by spelling, then the first spelling of each file wins.
    EXPECT_EQ(found, (std::vector<std::string>{"./tree/a.JPG", "./tree/b.png"}));
}

TEST(CollectInputs, NamedFilesAreKeptEvenWithoutImageExtensionAndMissingOnesToo) {
    TempDir dir;
    make_tree(dir);
    const std::string missing = dir / "gone.jpg";
    const std::string text = dir / "tree/notes.txt";
    InputOptions options;
    options.paths = {text, missing};
    EXPECT_EQ(paths_of(collect_inputs(options)), (std::vector<std::string>{missing, text}));
}

TEST(CollectInputs, BrokenImageEntriesInAFolderAreKeptSoTheirTaskSaysWhy) {
    TempDir dir;
    fs::create_directories(dir.path() / "in/x.jpg");
    fs::create_symlink(dir / "in/nowhere.jpg", dir / "in/dangling.jpg");
    fs::create_symlink(dir / "in/loop-b.png", dir / "in/loop-a.png");
    fs::create_symlink(dir / "in/loop-a.png", dir / "in/loop-b.png");
    EXPECT_EQ(paths_of(collect_inputs(folder(dir / "in", false))),
              (std::vector<std::string>{dir / "in/dangling.jpg", dir / "in/loop-a.png", dir / "in/loop-b.png",
                                        dir / "in/x.jpg"}));
}

TEST(CollectInputs, EmptyFolderGivesNothing) {
    TempDir dir;
    EXPECT_TRUE(collect_inputs(folder(dir.path().string(), true)).empty());
}

}  // namespace
}  // namespace pixpool
