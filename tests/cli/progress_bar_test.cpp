// fit_progress_line: the bar's text at every width, without a terminal.
#include "progress_bar.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace {

using pixpool::cli::fit_progress_line;
using pixpool::cli::ProgressFigures;
using pixpool::cli::RateUnit;

constexpr RateUnit kImages{"images/s", "/s"};

ProgressFigures running(std::size_t done, std::size_t total) {
    ProgressFigures f;
    f.done = done;
    f.total = total;
    f.failed = 1;
    f.rate = 7.5;
    f.eta_seconds = 2;
    return f;
}

TEST(ProgressBarText, FitsEveryWidthWithTwoColumnsSpareAndKeepsDoneOverTotal) {
    for (std::size_t total : {48u, 12345u, 1000000u}) {
        for (int columns = 1; columns <= 300; ++columns) {
            const std::string line = fit_progress_line(running(total / 2, total), kImages, columns);
            EXPECT_LE(line.size(), static_cast<std::size_t>(std::max(1, columns - 2))) << columns;
            const std::string count = std::to_string(total / 2) + "/" + std::to_string(total);
            if (columns - 2 >= static_cast<int>(count.size())) {
                EXPECT_NE(line.find(count), std::string::npos) << line;
            }
        }
    }
}

TEST(ProgressBarText, At36ColumnsTheFieldsStayAndTheBarGoes) {
    EXPECT_EQ(fit_progress_line(running(27, 48), kImages, 36), "27/48 56% 7.5/s ETA 0:02 1 failed");
}

TEST(ProgressBarText, At120ColumnsTheBarTakesTheRoomLeftByTheFullLine) {
    const std::string line = fit_progress_line(running(27, 48), kImages, 120);
    const std::string fields = "27/48 (56%), 7.5 images/s, ETA 0:02, 1 failed";
    ASSERT_EQ(line.size(), 118u);
    EXPECT_EQ(line.substr(line.size() - fields.size()), fields);
    const std::size_t cells = 118 - fields.size() - 3;
    EXPECT_EQ(static_cast<std::size_t>(std::count(line.begin(), line.end(), '#')), cells * 27 / 48);
    EXPECT_EQ(line.substr(0, 1) + line.substr(cells + 1, 2), "[] ");
}

TEST(ProgressBarText, TheLeastImportantFieldsGoFirst) {
    const ProgressFigures f = running(27, 48);
    EXPECT_EQ(fit_progress_line(f, kImages, 30), "27/48 56% ETA 0:02 1 failed");
    EXPECT_EQ(fit_progress_line(f, kImages, 26), "27/48 ETA 0:02 1 failed");
    EXPECT_EQ(fit_progress_line(f, kImages, 18), "27/48 1 failed");
    EXPECT_EQ(fit_progress_line(f, kImages, 10), "27/48");
}

TEST(ProgressBarText, TheEndSaysStoppedOrTheTimeItTook) {
    ProgressFigures f = running(7, 48);
    f.state = ProgressFigures::State::Interrupted;
    EXPECT_EQ(fit_progress_line(f, kImages, 80).substr(0, 1), "[");
    EXPECT_NE(fit_progress_line(f, kImages, 80).find("7/48 (14%), 7.5 images/s, stopped, 1 failed"), std::string::npos);
    f = running(48, 48);
    f.state = ProgressFigures::State::Finished;
    f.elapsed_seconds = 3725;
    EXPECT_EQ(fit_progress_line(f, kImages, 40), "48/48 100% 7.5/s in 1:02:05 1 failed");
}

TEST(ProgressBarText, AnUnknownTotalShowsTheCountAndRateOnly) {
    ProgressFigures f = running(120, 0);
    EXPECT_EQ(fit_progress_line(f, RateUnit{"fps", "fps"}, 80), "120, 7.5 fps, 1 failed");
}

}  // namespace
