/// `pixpool video INPUT -o OUTPUT -f SPEC...`: decode with OpenCV's videoio,
/// run the chain on the frame pool, encode in order with cv::VideoWriter.
///
/// The pool's workers are forked before the decoder is opened, so no worker
/// comes from a master already running FFmpeg's threads. Frames stream with
/// at most the pool's capacity in flight; a frame that fails (a worker crash,
/// a timeout, a filter error) is left out with one error line naming it.

#include "video_command.hpp"

#include "commands.hpp"
#include "interrupts.hpp"
#include "progress_bar.hpp"
#include "video_output.hpp"

#include <pixpool/frames.hpp>

#include <opencv2/videoio.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

namespace pixpool::cli {
namespace {

using Clock = std::chrono::steady_clock;

/// On a terminal, the bar `run` draws (progress_bar.hpp), in frames and
/// fps, with the error lines printed above it; elsewhere "frames 120/300
/// (40%), 55.1 fps, ETA 3 s" every 2 s; nothing with --quiet.
class VideoProgress {
public:
    VideoProgress(bool enabled, double total) : enabled_(enabled), total_(total) {
        if (enabled && ::isatty(STDERR_FILENO)) {
            bar_ = std::make_unique<ProgressBar>(RateUnit{"fps", "fps"});
            bar_->draw(figures(0, 0, ProgressFigures::State::Running));
        }
        if (!bar_) last_ = started_;  // a plain line only after 2 s
    }
    /// `done`: frames written or failed; `failed` of them failed.
    void frame_done(std::size_t done, std::size_t failed) {
        const auto now = Clock::now();
        if (bar_) bar_->update(figures(done, failed, ProgressFigures::State::Running));
        if (!enabled_ || now - last_ < (bar_ ? std::chrono::milliseconds(200) : std::chrono::seconds(2))) return;
        last_ = now;
        if (bar_) return bar_->draw(figures(done, failed, ProgressFigures::State::Running));
        const double fps = done / std::max(1e-9, std::chrono::duration<double>(now - started_).count());
        std::fprintf(stderr, "frames %zu", done);
        if (total_ > 0) {
            std::fprintf(stderr, "/%.0f (%.0f%%), %.1f fps, ETA %.0f s", total_, 100.0 * done / total_, fps,
                         std::max(0.0, (total_ - done) / std::max(fps, 1e-9)));
        } else {
            std::fprintf(stderr, ", %.1f fps", fps);
        }
        std::fputs("\n", stderr);
    }
    /// An error line: above the bar on a terminal.
    void print(const std::string& line) {
        if (bar_) return bar_->print_above(line);
        std::fprintf(stderr, "%s\n", line.c_str());
    }
    void finish(std::size_t done, std::size_t failed, bool interrupted) {
        using State = ProgressFigures::State;
        if (bar_) bar_->finish(figures(done, failed, interrupted ? State::Interrupted : State::Finished));
    }

private:
    ProgressFigures figures(std::size_t done, std::size_t failed, ProgressFigures::State state) const {
        ProgressFigures f;
        f.done = done;
        f.total = total_ > 0 ? static_cast<std::size_t>(total_) : 0;
        f.failed = failed;
        f.state = state;
        f.elapsed_seconds = std::chrono::duration<double>(Clock::now() - started_).count();
        f.rate = done / std::max(1e-9, f.elapsed_seconds);
        if (done > 0 && f.total > done) f.eta_seconds = (f.total - done) / f.rate;
        if (done > 0 && f.total <= done) f.eta_seconds = 0;
        return f;
    }

    bool enabled_;
    double total_;
    std::unique_ptr<ProgressBar> bar_;
    Clock::time_point started_ = Clock::now(), last_{};
};

struct VideoRun {
    VideoOutput& output;
    VideoProgress& progress;
    std::size_t done = 0, failed = 0;
    bool cut = false;  ///< interrupted: a frame was cancelled, so the file ends before it

    /// Writes one result in order, or reports why it is left out. After an
    /// interrupt cancels a frame, nothing more is written: the file ends at
    /// the last frame before the gap.
    void take(const Frame& frame) {
        ++done;
        cut = cut || frame.status == Status::Cancelled;
        if (cut) return;
        std::string problem = frame.ok() ? output.write(frame.image) : frame.error;
        if (frame.ok() && !problem.empty()) problem = "frame " + std::to_string(frame.id) + ": " + problem;
        if (!problem.empty()) {
            ++failed;
            char at[48];
            std::snprintf(at, sizeof at, " (at %.3f s)", frame.timestamp / 1000.0);
            progress.print("pixpool: error: " + problem + at + "; the frame is left out");
        }
        progress.frame_done(processed(), failed);
    }
    /// Frames really done: written, or failed and left out.
    std::size_t processed() const { return output.frames_written() + failed; }
};

}  // namespace

int video_command(const BatchFlags& flags) {
    const BatchFlags::Video& video = flags.video;
    // Usage errors before any work.
    if (video.input.empty()) throw UsageError("no input: name the video to read");
    if (video.output.empty()) throw UsageError("say where the video goes: -o FILE");
    if (flags.batch.filter_specs.empty()) throw UsageError("no filter: name one with -f (repeat -f to chain)");
    const int fourcc = fourcc_for(video.output, video.codec);
    FrameOptions options;
    options.filter_specs = flags.batch.filter_specs;
    options.workers = flags.batch.jobs;
    options.timeout_seconds = flags.batch.timeout_seconds;
    options.interrupts = install_interrupt_handlers();
    // The decoder's and encoder's threads start after the workers: a
    // replacement worker must come from the fork server, not from here.
    options.start_method = StartMethod::ForkServer;
    // On a terminal what the workers print goes above the bar, as in `run`
    // (progress.hpp); the bar exists once the video is open.
    VideoProgress* shown = nullptr;
    if (!flags.quiet && ::isatty(STDERR_FILENO)) {
        options.worker_stderr = [&shown](const std::string& line) {
            if (shown) return shown->print(line);
            std::fprintf(stderr, "%s\n", line.c_str());
        };
    }
    FramePool pool(options);  // the workers exist before the decoder's threads do

    // FFmpeg's own log lines would repeat (or garble) the one error we give;
    // OpenCV reads this at its first FFmpeg call. A user's own setting wins.
    ::setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
    cv::VideoCapture capture;
    if (!capture.open(video.input, cv::CAP_FFMPEG)) {
        std::cerr << "pixpool: error: " << video.input
                  << ": cannot open as a video (missing, not a video, or a format FFmpeg cannot decode)\n";
        return kSomeFailed;
    }
    const double fps = capture.get(cv::CAP_PROP_FPS) > 0 ? capture.get(cv::CAP_PROP_FPS) : 25.0;
    VideoOutput output(video.output, fourcc, fps);
    VideoProgress progress(!flags.quiet, capture.get(cv::CAP_PROP_FRAME_COUNT));
    shown = &progress;
    struct Forget {  // the pool outlives the bar: its last lines print plainly
        VideoProgress*& bar;
        ~Forget() { bar = nullptr; }
    } forget{shown};
    VideoRun run{output, progress};

    const double expected_frames = capture.get(cv::CAP_PROP_FRAME_COUNT);
    const auto started = Clock::now();
    cv::Mat frame;
    std::uint64_t index = 0;
    bool pool_gave_up = false;
    try {
        while (*options.interrupts == 0 && capture.read(frame)) {
            if (pool.in_flight() >= pool.capacity()) run.take(*pool.next());
            pool.submit(frame, index++, capture.get(cv::CAP_PROP_POS_MSEC));
            while (auto done = pool.try_next()) run.take(*done);
        }
        while (auto done = pool.next()) run.take(*done);
    } catch (const PoolError& e) {
        // The pool cannot go on (its fork server died and cannot be started
        // again here): the frames written stay, as after an interrupt.
        pool_gave_up = true;
        progress.print(std::string("pixpool: error: ") + e.what() + "; the file ends at the last frame written");
    }
    progress.finish(run.processed(), run.failed, *options.interrupts > 0);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();

    if (index == 0) {
        std::cerr << "pixpool: error: " << video.input << ": no frame could be decoded (corrupt or empty video)\n";
        return kSomeFailed;
    }
    const bool interrupted = *options.interrupts > 0;
    // The container's count may be an estimate; far fewer frames means the
    // stream stopped decoding (corrupt or truncated).
    const bool cut_short = !interrupted && !pool_gave_up && expected_frames > 0 &&
                           index + std::max(2.0, expected_frames / 50) < expected_frames;
    if (cut_short) {
        std::cerr << "pixpool: error: " << video.input << ": only " << index << " of " << expected_frames
                  << " frames could be decoded (corrupt or truncated video)\n";
    }
    const bool kept = output.keep();
    const FrameLatency latency = pool.latency();
    // The summary is a diagnostic: stderr, and not with -q (nothing but errors).
    if (!flags.quiet) {
        std::fprintf(stderr, "pixpool: %zu of %llu frames written to %s in %.2f s (%.1f fps, latency p50 %.1f ms, "
                             "p99 %.1f ms)%s%s\n",
                     output.frames_written(), static_cast<unsigned long long>(index),
                     kept ? video.output.c_str() : "(nothing)", seconds, index / std::max(seconds, 1e-9),
                     latency.p50_ms, latency.p99_ms,
                     run.failed ? (", " + std::to_string(run.failed) + " failed").c_str() : "",
                     interrupted ? "; interrupted: the file ends at the last frame written" : "");
    }
    if (interrupted) return kInterrupted;
    return run.failed > 0 || cut_short || pool_gave_up ? kSomeFailed : kOk;
}

}  // namespace pixpool::cli
