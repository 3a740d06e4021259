/// Fuzzes the resume journal's reader (src/journal.cpp): the input is the
/// whole content of an output folder's .pixpool-journal.jsonl, as a crash, a
/// full disk, another program or an older pixpool may have left it.
/// Contract: reading never throws and never crashes; lines that are not
/// records are skipped, counted, and reported in a message naming the journal.

#include "journal.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

/// One private folder for the whole run, removed at exit.
struct Folder {
    std::string path = (std::filesystem::temp_directory_path() / "pixpool-fuzz-journal-XXXXXX").string();
    Folder() {
        if (!::mkdtemp(path.data())) std::abort();
    }
    ~Folder() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
};

const std::string& folder() {
    static const Folder folder;
    return folder.path;
}

[[noreturn]] void broken(const char* what) {
    std::fprintf(stderr, "journal contract broken: %s\n", what);
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using pixpool::detail::Journal;
    {
        std::ofstream out(folder() + "/" + Journal::kFileName, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const Journal journal(folder());
    (void)journal.up_to_date(folder() + "/in.jpg", folder() + "/out.jpg", "gaussian_blur:sigma=3");
    const auto problems = journal.problems();
    if (journal.bad_lines() > 0 && problems.empty()) broken("bad lines skipped without a word");
    for (const std::string& problem : problems) {
        if (problem.find(journal.path()) == std::string::npos) broken("a message that does not name the journal");
    }
    return 0;
}
