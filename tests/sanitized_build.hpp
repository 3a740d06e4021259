#pragma once
/// What a test needs to know when the suite is built with AddressSanitizer and
/// UndefinedBehaviorSanitizer (-DPIXPOOL_SANITIZE=ON, the `asan` stage of
/// scripts/test.sh, docs/fuzzing.md).

#ifdef PIXPOOL_SANITIZE
/// For what a test must do differently in a sanitized run, in plain code.
inline constexpr bool kSanitizedBuild = true;
/// A test that cannot hold under ASan is disabled there, with the reason in
/// its name, so ctest lists it as "Not Run (Disabled)" saying why, e.g.
/// DISABLED_AnAllocationPastTheMemoryLimitFailsThatTaskOnly_UnderAsan_RlimitDataStopsAsansOwnMmaps.
#define PIXPOOL_UNLESS_ASAN(name, why) DISABLED_##name##_UnderAsan_##why
/// ASan's options for every process of one test binary (its forked and
/// spawned workers too), written once in one of its files, e.g.
/// PIXPOOL_ASAN_OPTIONS("handle_segv=0") where workers must die by a real
/// SIGSEGV rather than by ASan's report and exit status 1.
#define PIXPOOL_ASAN_OPTIONS(options) \
    extern "C" __attribute__((visibility("default"), used)) const char* __asan_default_options() { return options; }
#else
inline constexpr bool kSanitizedBuild = false;
#define PIXPOOL_UNLESS_ASAN(name, why) name
#define PIXPOOL_ASAN_OPTIONS(options)
#endif
