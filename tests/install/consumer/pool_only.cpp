// Links pixpool::pool alone: byte-string tasks on forked workers.
#include <pixpool/pool.hpp>

#include <iostream>

int main() {
    pixpool::PoolOptions options;
    options.workers = 2;
    options.handler = [](const std::string& payload) { return payload + "!"; };
    pixpool::Pool pool(options);
    auto results = pool.map({"a", "b", "c"});
    if (results.size() != 3 || results[2].value != "c!") {
        std::cerr << "pool_only: unexpected result\n";
        return 1;
    }
    std::cout << "pool_only: ok\n";
    return 0;
}
