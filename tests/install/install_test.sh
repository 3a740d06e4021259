#!/usr/bin/env bash
# install_test.sh BUILD_DIR CONSUMER_DIR IMAGE CXX SOURCE_DIR: install
# BUILD_DIR into a fresh prefix, build CONSUMER_DIR against it out of tree,
# run it on IMAGE; compile a pool-only program with pkg-config; then build
# pixpool as a subproject for pixpool::pool alone, with GTest, CLI11 and
# Exiv2 made unfindable. Fails on any step.
set -euo pipefail
build_dir=$1 consumer=$2 image=$3 cxx=$4 source_dir=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
for f in lib/cmake/pixpool/pixpoolConfig.cmake lib/cmake/pixpool/pixpoolConfigVersion.cmake \
         lib/pkgconfig/pixpool.pc include/pixpool/pool.hpp include/pixpool/batch.hpp include/pixpool/frames.hpp bin/pixpool \
         libexec/pixpool/pixpool-video lib/pixpool/pixpool-opencv-codecs.so; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
# What is private stays private.
for f in include/pixpool/task_codec.hpp include/pixpool/logger.hpp include/pixpool/inputs.hpp; do
  [ ! -e "$prefix/$f" ] || { echo "private header installed: $f" >&2; exit 1; }
done

cmake -S "$consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_COMPILER="$cxx" >/dev/null
cmake --build "$work/build" >/dev/null
mkdir "$work/out"
"$work/build/pool_only"
"$work/build/everything" "$image" "$work/out"
# A PNG needs OpenCV's codecs module. This prefix is not the one configured,
# so a program of the user's is told where it is; pixpool finds it beside itself.
png=$(dirname "$image")/camera.png
PIXPOOL_MODULE_DIR=$prefix/lib/pixpool "$work/build/everything" "$png" "$work/out-png"
# Untold, it fails that file clearly, and never takes the build tree's module.
if untold=$(env -u PIXPOOL_MODULE_DIR "$work/build/everything" "$png" "$work/out-untold" 2>&1); then
  echo "a consumer found a module it was not told of:" >&2; echo "$untold" >&2; exit 1
fi
grep -q "pixpool-opencv-codecs.so) cannot be loaded: not found in" <<<"$untold" ||
  { echo "a consumer without the module did not say so:" >&2; echo "$untold" >&2; exit 1; }
strace -f -qq -e trace=openat -o "$work/opens.txt" "$prefix/bin/pixpool" run "$png" -o "$work/cli-png" -q
grep -q "\"$prefix/lib/pixpool/pixpool-opencv-codecs.so\"" "$work/opens.txt" ||
  { echo "the installed pixpool did not load its own lib/pixpool/pixpool-opencv-codecs.so" >&2; exit 1; }
[ -s "$work/cli-png/camera.png" ] || { echo "the installed pixpool wrote no camera.png" >&2; exit 1; }

# The README's video example: a video made here, streamed through the frame pool.
ffmpeg -loglevel error -f lavfi -i testsrc=size=320x240:rate=25 -t 2 -c:v mjpeg "$work/in.avi"
"$work/build/stream_video" "$work/in.avi" "$work/out.avi"
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/out.avi")
[ "$frames" = 50 ] || { echo "stream_video wrote $frames frames, not 50" >&2; exit 1; }
# The installed pixpool runs `video` through its libexec/pixpool/pixpool-video.
"$prefix/bin/pixpool" video "$work/in.avi" -o "$work/cli.avi" -f invert -q
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames -of csv=p=0 "$work/cli.avi")
[ "$frames" = 50 ] || { echo "the installed pixpool video wrote $frames frames, not 50" >&2; exit 1; }
while IFS= read -r line; do
  [ -z "$line" ] || grep -Fxq -- "$line" "$source_dir/README.md" ||
    { echo "README.md no longer carries this line of stream_video.cpp: $line" >&2; exit 1; }
done < "$consumer/stream_video.cpp"

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pkg-config --exists --print-errors pixpool pixpool-image pixpool-frames
# shellcheck disable=SC2046  # pkg-config output is meant to be split
"$cxx" -o "$work/pc_pool_only" "$consumer/pool_only.cpp" $(pkg-config --cflags --libs pixpool-pool)
"$work/pc_pool_only"

cmake -S "$consumer/../subproject" -B "$work/sub" -DPIXPOOL_SOURCE_DIR="$source_dir" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON -DCMAKE_DISABLE_FIND_PACKAGE_CLI11=ON -DCMAKE_DISABLE_FIND_PACKAGE_exiv2=ON \
  -DCMAKE_CXX_COMPILER_LAUNCHER="$(command -v ccache || true)" >/dev/null
cmake --build "$work/sub" --target pool_only -j2 >/dev/null
"$work/sub/pool_only"
echo "install test: ok"
