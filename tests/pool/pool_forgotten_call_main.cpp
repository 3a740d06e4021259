// A program that uses a Spawn pool but forgot run_if_spawned_worker() in
// main(): the pool's error must name the missing call (CTest runs this and
// checks its exit status). Every spawned worker runs this same main(), where
// creating a pool is refused, so no worker spawns workers of its own.
#include <pixpool/pool.hpp>

#include <cstdio>
#include <cstring>

int main() {
    pixpool::register_spawned_worker("echo", [](const std::string&, int) -> pixpool::Handler {
        return [](const std::string& p) { return p; };
    });
    // (no pixpool::run_if_spawned_worker() here)
    try {
        pixpool::PoolOptions options;
        options.workers = 1;
        options.crash_budget = 1;
        options.start_method = pixpool::StartMethod::Spawn;
        options.spawn_worker = "echo";
        pixpool::Pool pool(options);
        (void)pool.submit("x").get();
        std::puts("FAIL: the task ran although no worker could serve it");
        return 1;
    } catch (const pixpool::PoolError& e) {
        if (std::strstr(e.what(), "run_if_spawned_worker")) {
            std::printf("ok: %s\n", e.what());
            return 0;
        }
        std::printf("FAIL: the error does not name the missing call: %s\n", e.what());
        return 1;
    }
}
