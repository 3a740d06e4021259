// The write path on a filesystem without O_TMPFILE (vfat, older NFS; issue
// 11): outputs go to a short named temporary and are renamed into place.
// The filesystem is the LD_PRELOAD shim's (eio_shim.cpp), which refuses
// O_TMPFILE with EOPNOTSUPP as such a filesystem does and logs each refusal.
#include "cli_support.hpp"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <sys/stat.h>

#include <fstream>

namespace {

using namespace cli_test;

cv::Mat write_png(const fs::path& path, int seed) {
    cv::Mat image(48, 64, CV_8UC3);
    cv::randu(image, cv::Scalar::all(seed), cv::Scalar::all(seed + 60));
    if (!cv::imwrite(path.string(), image)) throw std::runtime_error("cannot write " + path.string());
    return image;
}

/// Runs `args` on a filesystem without O_TMPFILE; `refusals` logs each refused open.
Outcome run_without_tmpfile(const std::vector<std::string>& args, const fs::path& refusals) {
    std::vector<std::pair<std::string, std::string>> env = {{"LD_PRELOAD", EIO_SHIM_PATH},
                                                            {"PIXPOOL_NO_TMPFILE", refusals.string()}};
#ifdef PIXPOOL_SANITIZE
    // The preloaded shim comes before ASan's runtime in the library list,
    // which ASan refuses unless told (tests/sanitized_build.hpp).
    env.emplace_back("ASAN_OPTIONS", "verify_asan_link_order=0");
#endif
    return run_pixpool_with_env(args, env);
}

std::size_t lines_in(const fs::path& path) {
    std::ifstream in(path);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) ++lines;
    return lines;
}

void expect_no_temporaries(const fs::path& folder) {
    for (const auto& entry : fs::directory_iterator(folder))
        EXPECT_EQ(entry.path().filename().string().find("pixpool-tmp"), std::string::npos) << entry.path();
}

mode_t current_umask() {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    return mask;
}

TEST(WriteFallback, WithoutOTmpfileOutputsAreWholeNoTemporaryIsLeftAndNamesOf255BytesWork) {
    Scratch dir;
    fs::create_directories(dir / "in");
    const std::string longest = std::string(251, 'n') + ".png";  // the most a name may have
    const std::vector<std::string> names = {longest, "a.png", "b.png"};
    std::vector<cv::Mat> inputs;
    for (std::size_t i = 0; i < names.size(); ++i) inputs.push_back(write_png(dir / "in" / names[i], 30 * int(i)));
    const fs::path refusals = dir / "refusals.log";

    for (int run = 0; run < 2; ++run) {  // the second replaces the first's outputs
        const Outcome r = run_without_tmpfile(
            {"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "-f", "invert", "--overwrite"},
            refusals);
        ASSERT_EQ(r.status, 0) << run << r.out << r.err;
        for (std::size_t i = 0; i < names.size(); ++i) {
            const cv::Mat out = cv::imread((dir / "out" / names[i]).string(), cv::IMREAD_UNCHANGED);
            ASSERT_EQ(out.size(), inputs[i].size()) << run << " " << names[i].substr(0, 10);
            const cv::Mat inverted = cv::Scalar::all(255) - inputs[i];
            EXPECT_EQ(cv::norm(out, inverted, cv::NORM_INF), 0) << run << " " << names[i].substr(0, 10);
            struct stat st {};
            ASSERT_EQ(::stat((dir / "out" / names[i]).c_str(), &st), 0);
            EXPECT_EQ(st.st_mode & 0777, 0666 & ~current_umask()) << "an output has the usual mode, not mkstemp's 0600";
        }
        expect_no_temporaries(dir / "out");
    }
    EXPECT_GE(lines_in(refusals), 2 * names.size()) << "the fallback was not taken: O_TMPFILE was never refused";
}

TEST(WriteFallback, AFailedRenameLeavesNoTemporaryAndTheBatchGoesOn) {
    Scratch dir;
    fs::create_directories(dir / "in");
    write_png(dir / "in/a.png", 10);
    write_png(dir / "in/b.png", 90);
    fs::create_directories(dir / "out/b.png/inside");  // a folder where b's output would go: rename fails
    const fs::path refusals = dir / "refusals.log";

    const Outcome r = run_without_tmpfile(
        {"run", (dir / "in").string(), "-o", (dir / "out").string(), "-q", "-f", "invert"}, refusals);
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.err.find("b.png: cannot write"), std::string::npos) << r.err;
    EXPECT_FALSE(cv::imread((dir / "out/a.png").string()).empty());
    EXPECT_TRUE(fs::is_directory(dir / "out/b.png/inside")) << "the folder in the way is untouched";
    expect_no_temporaries(dir / "out");
    EXPECT_GE(lines_in(refusals), 2u);
}

}  // namespace
