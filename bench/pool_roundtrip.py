#!/usr/bin/python3
"""Empty tasks per second through multiprocessing.Pool.map(chunksize=1) and
concurrent.futures.ProcessPoolExecutor.map, the Python side of
bench/pool_roundtrip.cpp.

  pool_roundtrip.py [TASKS=20000] [REPEATS=5] [WORKERS=0 (os.cpu_count())]

The last two lines, parsed by bench/compare.sh:
  python_mp_pool roundtrips/s: MEDIAN (workers W, tasks N, best B)
  python_process_pool_executor roundtrips/s: MEDIAN (workers W, tasks N, best B)
"""

import concurrent.futures

import multiprocessing
import os
import statistics
import sys
import time


def echo(payload):
    return payload


def main():
    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    workers = workers or os.cpu_count()
    payloads = [str(i) for i in range(tasks)]
    with multiprocessing.Pool(workers) as pool:
        mp = measure("multiprocessing.Pool", lambda: pool.map(echo, payloads, chunksize=1), payloads, repeats)
    with concurrent.futures.ProcessPoolExecutor(workers) as executor:
        ex = measure("ProcessPoolExecutor", lambda: list(executor.map(echo, payloads, chunksize=1)),
                     payloads, repeats)
    for name, rates in (("python_mp_pool", mp), ("python_process_pool_executor", ex)):
        print(f"{name} roundtrips/s: {statistics.median(rates):.0f} "
              f"(workers {workers}, tasks {tasks}, best {max(rates):.0f})")


def measure(name, run, payloads, repeats):
    run()  # warm-up: every worker started and has run tasks
    rates = []
    for r in range(repeats):
        start = time.perf_counter()
        results = run()
        seconds = time.perf_counter() - start
        if results != payloads:
            sys.exit(f"pool_roundtrip.py: {name}: results came back wrong")
        rates.append(len(payloads) / seconds)
        print(f"{name} run {r + 1}: {len(payloads)} tasks in {seconds:.3f} s = {rates[-1]:.0f} roundtrips/s")
    return rates


if __name__ == "__main__":
    main()
