#!/usr/bin/python3
"""Empty tasks per second through multiprocessing.Pool.map(chunksize=1), the
Python side of bench/pool_roundtrip.cpp.

  pool_roundtrip.py [TASKS=20000] [REPEATS=5] [WORKERS=0 (os.cpu_count())]

The last line, parsed by bench/compare.sh:
  python_mp_pool roundtrips/s: MEDIAN (workers W, tasks N, best B)
"""

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
    rates = []
    with multiprocessing.Pool(workers) as pool:
        pool.map(echo, payloads[:1000], chunksize=1)  # warm-up
        for r in range(repeats):
            start = time.perf_counter()
            results = pool.map(echo, payloads, chunksize=1)
            seconds = time.perf_counter() - start
            if results != payloads:
                sys.exit("pool_roundtrip.py: results came back wrong")
            rates.append(tasks / seconds)
            print(f"run {r + 1}: {tasks} tasks in {seconds:.3f} s = {rates[-1]:.0f} roundtrips/s")
    print(f"python_mp_pool roundtrips/s: {statistics.median(rates):.0f} "
          f"(workers {workers}, tasks {tasks}, best {max(rates):.0f})")


if __name__ == "__main__":
    main()
