#!/usr/bin/python3
"""The measuring half of bench/compare.sh: times pixpool and its peers on the
same corpus, alternating tools across repetitions, and writes the report.

Run through bench/compare.sh, which installs the peers, builds pixpool and the
corpus first. Standalone:

  compare.py --pixpool BIN --roundtrip BIN --corpus DIR [--reps 3] [--md FILE]

Wall time: time.perf_counter around the whole command (process start to exit).
Peak RSS: GNU time's %M around the top command, i.e. ru_maxrss from wait4(),
the largest single process among it and every descendant it waited for (the
same value a wrapper's getrusage(RUSAGE_CHILDREN) reports). Not a sum.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
NOTES_BEGIN = "<!-- notes:begin (kept by compare.sh) -->"
NOTES_END = "<!-- notes:end -->"

# name, folder under the corpus, operation (a sigma, or THUMB: fit in 800x800
# at JPEG q85), target for pixpool / fastest peer (issue 13's), title, and
# whether each timed run writes over the outputs of an untimed run before it
# (pixpool with --overwrite; the peers replace files as they always do)
THUMB = "thumb800"
WORKLOADS = [
    ("photos48-sigma3", "photos48", 3, 0.55, "48 photos (2-12 MP), sigma 3", False),
    ("photos48-sigma20", "photos48", 20, 0.5, "48 photos (2-12 MP), sigma 20", False),
    ("small600-sigma3", "small600", 3, 0.5, "600 small 320x240, sigma 3, into a new folder", False),
    ("small600-sigma3-over", "small600", 3, 0.5, "600 small 320x240, sigma 3, over existing outputs", True),
    ("photos48-thumb800", "photos48", THUMB, 0.6, "48 photos (2-12 MP) to fit 800x800, JPEG q85", False),
]
EFFICIENCY_TARGET = 0.9
FLOOR_TARGET = 1.15
ROUNDTRIP_TARGET = 4.0


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


def measure(argv, log_path=None):
    """Runs argv under GNU time; returns (wall seconds, peak RSS in MiB, exit code).

    GNU time is a small fresh process that forks the command and reports the
    wait4() ru_maxrss of it, which covers every descendant it waited for. It
    keeps this (larger) Python process out of the number: a child forked from
    here would start with this process's pages counted in its high-water mark.
    """
    fd, rss_file = tempfile.mkstemp(prefix="rss-")
    os.close(fd)
    out = open(log_path, "wb") if log_path else subprocess.DEVNULL
    try:
        start = time.perf_counter()
        code = subprocess.call(["/usr/bin/time", "-f", "%M", "-o", rss_file, *argv],
                               stdout=out, stderr=subprocess.STDOUT)
        wall = time.perf_counter() - start
        with open(rss_file) as fh:
            numbers = [line.strip() for line in fh if line.strip().isdigit()]
        peak_kib = int(numbers[-1]) if numbers else 0
    finally:
        if log_path:
            out.close()
        os.unlink(rss_file)
    return wall, peak_kib / 1024.0, code


class Tool:
    def __init__(self, name, label, build):
        self.name, self.label, self.build = name, label, build


def make_tools(args, nproc):
    """Each tool's command for a workload; None where a tool has no such
    operation (ImageMagick is left out of the thumbnails: it is not a peer
    anyone picks for speed, and it is the slowest at blurring)."""
    node_ok = os.path.isdir(os.path.join(HERE, "node_modules", "sharp"))
    py = "/usr/bin/python3"
    pool = os.path.join(HERE, "py_pool_blur.py")

    def pixpool(files, folder, out, op):
        if op == THUMB:
            return [args.pixpool, "run", folder, "-o", out, "-f", "resize:width=800,height=800", "--quality", "85"]
        return [args.pixpool, "run", folder, "-o", out, "-f", f"gaussian_blur:sigma={op}", "--quality", "90"]

    def python_pool(backend):
        return lambda files, folder, out, op: [py, pool, backend, str(op), out, *files]

    def vips(files, folder, out, op):
        if op == THUMB:
            return ["/usr/bin/parallel", "--will-cite", "/usr/bin/vipsthumbnail", "{}", "-s", "800x800",
                    "-o", out + "/%s.jpg[Q=85]", ":::", *files]
        return ["/usr/bin/parallel", "--will-cite", "/usr/bin/vips", "gaussblur", "{}", out + "/{/}[Q=90]", str(op), ":::", *files]

    def vipsthumbnail_alone(files, folder, out, op):
        if op != THUMB:
            return None
        return ["/usr/bin/vipsthumbnail", "-s", "800x800", "-o", out + "/%s.jpg[Q=85]", *files]

    def magick(files, folder, out, op):
        if op == THUMB:
            return None
        return ["/usr/bin/parallel", "--will-cite", "/usr/bin/convert", "{}", "-blur", f"0x{op}", "-quality", "90", out + "/{/}", ":::", *files]

    def sharp(files, folder, out, op):
        return ["node", os.path.join(HERE, "sharp_blur.js"), str(op), out, *files]

    tools = [
        Tool("pixpool", "pixpool run", pixpool),
        Tool("pil", "Python Pool + Pillow", python_pool("pil")),
        Tool("cv2", "Python Pool + OpenCV (its threads on)", python_pool("cv2")),
        Tool("cv2-1t", "Python Pool + OpenCV, cv2.setNumThreads(1) per worker", python_pool("cv2-1t")),
        Tool("vips", "GNU parallel + vips", vips),
        Tool("vipsthumb", "vipsthumbnail alone (all files, one process)", vipsthumbnail_alone),
        Tool("magick", "GNU parallel + ImageMagick -blur", magick),
    ]
    if node_ok:
        tools.append(Tool("sharp", "sharp (node)", sharp))
    else:
        print("compare: sharp is not installed in bench/peers/node_modules; measuring without it", file=sys.stderr)
    return tools


def image_files(folder):
    return sorted(os.path.join(folder, n) for n in os.listdir(folder)
                  if n.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))


def megapixels(files):
    total = 0
    for f in files:
        with Image.open(f) as im:
            total += im.size[0] * im.size[1]
    return total / 1e6


def warm(files):
    for f in files:
        with open(f, "rb") as fh:
            while fh.read(1 << 20):
                pass


def run_workload(wl, tools, args, scratch):
    name, sub, sigma, target, title, over_existing = wl
    folder = os.path.join(args.corpus, sub)
    files = image_files(folder)
    tools = [t for t in tools if t.build(files, folder, "OUT", sigma) is not None]
    mp = megapixels(files)
    warm(files)
    times = {t.name: [] for t in tools}
    rss = {t.name: [] for t in tools}
    slow = set()
    loads = []
    for rep in range(args.reps):
        # alternate: each repetition starts with a different tool
        order = tools[rep % len(tools):] + tools[:rep % len(tools)]
        for tool in order:
            if tool.name in slow:
                continue
            out = os.path.join(scratch, f"{name}-{tool.name}")
            shutil.rmtree(out, ignore_errors=True)
            os.makedirs(out)
            log = os.path.join(scratch, f"{name}-{tool.name}.log")
            argv = tool.build(files, folder, out, sigma)
            if over_existing:
                measure(argv, log)  # untimed: fills the folder the timed run writes over
                if tool.name == "pixpool":
                    argv = argv + ["--overwrite"]
            wall, peak, code = measure(argv, log)
            produced = len([n for n in os.listdir(out) if not n.startswith(".")])  # not the resume journal
            if code != 0 or produced != len(files):
                with open(log, errors="replace") as fh:
                    tail = fh.read()[-2000:]
                raise SystemExit(f"compare: {tool.name} on {name} failed (exit {code}, {produced}/{len(files)} outputs)\n{tail}")
            times[tool.name].append(wall)
            rss[tool.name].append(peak)
            load = os.getloadavg()[0]
            loads.append(load)
            print(f"  {name} rep {rep + 1}: {tool.name:8s} {wall:8.2f} s  {peak:7.0f} MiB  (load {load:.2f})", flush=True)
            if rep == 0 and args.reps > 1 and wall > args.slow_limit:
                slow.add(tool.name)
                print(f"  {name}: {tool.name} took over {args.slow_limit:.0f} s; timed once to keep the run short", flush=True)
            if rep == 0:
                keep = os.path.join(out, os.path.basename(files[0]))
                if os.path.exists(keep):
                    shutil.copy(keep, os.path.join(scratch, f"sample-{name}-{tool.name}{os.path.splitext(keep)[1]}"))
            shutil.rmtree(out, ignore_errors=True)
    psnr = {} if sigma == THUMB else same_work(files[0], sigma, {t.name: os.path.join(scratch, f"sample-{name}-{t.name}{os.path.splitext(files[0])[1]}")
                                       for t in tools})
    rows = []
    for tool in tools:
        t = statistics.median(times[tool.name])
        rows.append({"tool": tool.name, "label": tool.label, "median_s": t, "runs": times[tool.name],
                     "images_per_s": len(files) / t, "mp_per_s": mp / t, "peak_rss_mib": max(rss[tool.name]),
                     "psnr_db": psnr.get(tool.name)})
    pix = next(r for r in rows if r["tool"] == "pixpool")["median_s"]
    peers = [r for r in rows if r["tool"] != "pixpool"]
    fastest = min(peers, key=lambda r: r["median_s"])
    return {"name": name, "title": title, "sigma": sigma, "images": len(files), "megapixels": mp,
            "rows": rows, "pixpool_s": pix, "fastest_peer": fastest["tool"],
            "ratio_vs_fastest": pix / fastest["median_s"], "target": target,
            "command": " ".join(tools[0].build(files, folder, "OUT", sigma)).replace(folder, "DIR"),
            "load_min": min(loads), "load_max": max(loads), "timed_once": sorted(slow)}


def same_work(source, sigma, outputs):
    """PSNR of each tool's output of one file against an exact float Gaussian
    of the decoded input, away from the borders (4 sigma), so the table shows
    that every tool did the same blur (JPEG re-encoding at q90 included)."""
    try:
        import cv2
        import numpy as np
    except ImportError:
        return {}
    src = cv2.imread(source, cv2.IMREAD_COLOR)
    exact = cv2.GaussianBlur(src.astype(np.float32), (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
    m = int(4 * sigma) + 2
    result = {}
    for tool, path in outputs.items():
        out = cv2.imread(path, cv2.IMREAD_COLOR) if os.path.exists(path) else None
        if out is None or out.shape != src.shape:
            continue
        d = (out.astype(np.float64) - exact)[m:-m, m:-m]
        mse = float((d ** 2).mean())
        result[tool] = 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)
    return result


STAGE_RE = re.compile(r"decode ([\d.]+) ms, filter ([\d.]+) ms, encode ([\d.]+) ms")


def stage_floor(wl, args, scratch, nproc):
    """One pixpool run with --log-dir; sums the per-file stage times."""
    name, sub, sigma, *_ = wl
    folder = os.path.join(args.corpus, sub)
    out = os.path.join(scratch, f"floor-{name}")
    logs = os.path.join(scratch, f"floor-{name}-logs")
    for d in (out, logs):
        shutil.rmtree(d, ignore_errors=True)
    os.makedirs(out)
    work = ["-f", "resize:width=800,height=800", "--quality", "85"] if sigma == THUMB else \
        ["-f", f"gaussian_blur:sigma={sigma}", "--quality", "90"]
    argv = [args.pixpool, "run", folder, "-o", out, *work, "--log-dir", logs]
    wall, peak, code = measure(argv, os.path.join(scratch, f"floor-{name}.log"))
    if code != 0:
        raise SystemExit(f"compare: pixpool --log-dir run on {name} failed with exit {code}")
    totals = [0.0, 0.0, 0.0]
    per_worker = {}
    files = 0
    for log in sorted(os.listdir(logs)):
        with open(os.path.join(logs, log), errors="replace") as fh:
            for line in fh:
                m = STAGE_RE.search(line)
                if not m:
                    continue
                stages = [float(x) for x in m.groups()]
                files += 1
                for i in range(3):
                    totals[i] += stages[i]
                per_worker[log] = per_worker.get(log, 0.0) + sum(stages)
    shutil.rmtree(out, ignore_errors=True)
    if files == 0:
        return {"name": name, "files": 0}
    busy = sum(totals) / 1000.0
    floor = busy / nproc
    return {"name": name, "files": files, "wall_s": wall, "decode_s": totals[0] / 1000, "filter_s": totals[1] / 1000,
            "encode_s": totals[2] / 1000, "busy_s": busy, "floor_s": floor, "ratio": wall / floor,
            "per_worker_s": {k: v / 1000 for k, v in sorted(per_worker.items())}}


def parallel_efficiency(args):
    folder = os.path.join(args.corpus, "photos48")
    argv = [args.pixpool, "bench", folder, "-f", "gaussian_blur:sigma=3", "--quality", "90"]
    res = subprocess.run(argv, capture_output=True, text=True)
    text = (res.stdout + res.stderr).strip()
    eff = re.search(r"efficiency\D*([\d.]+)", text, re.I)
    speed = re.search(r"speedup\D*([\d.]+)", text, re.I)
    return {"command": " ".join(argv).replace(args.corpus, "bench/corpus"), "output": text, "exit": res.returncode,
            "efficiency": float(eff.group(1)) if eff else None, "speedup": float(speed.group(1)) if speed else None}


def roundtrips(args):
    out = {}
    for name, argv in (("pixpool", [args.roundtrip, str(args.rt_tasks), "5"]),
                       ("python", ["/usr/bin/python3", os.path.join(os.path.dirname(HERE), "pool_roundtrip.py"),
                                   str(args.rt_tasks), "5"])):
        res = subprocess.run(argv, capture_output=True, text=True)
        m = re.search(r"roundtrips/s: (\d+)", res.stdout)
        out[name] = float(m.group(1)) if m else None
        out[name + "_output"] = (res.stdout + res.stderr).strip()
    if out["pixpool"] and out["python"]:
        out["ratio"] = out["pixpool"] / out["python"]
    return out


def versions(args):
    v = {}
    v["pixpool"] = args.pixpool_rev or sh(f"git -C {os.path.dirname(os.path.dirname(HERE))} log -1 --format='%h %s'")
    v["pixpool binary"] = args.pixpool
    v["OpenCV (pixpool)"] = sh("pkg-config --modversion opencv4")
    v["Python"] = platform.python_version()
    v["Pillow"] = sh("/usr/bin/python3 -c 'import PIL; print(PIL.__version__)'")
    v["OpenCV (python3-opencv)"] = sh("/usr/bin/python3 -c 'import cv2; print(cv2.__version__)'")
    v["vips"] = sh("/usr/bin/vips --version")
    v["ImageMagick"] = sh("/usr/bin/convert -version | head -1")
    v["GNU parallel"] = sh("/usr/bin/parallel --version | head -1")
    v["node"] = sh("node --version")
    v["sharp"] = sh(f"cd {HERE} && node -e \"const s=require('sharp'); console.log(s.versions.sharp + ' (libvips ' + s.versions.vips + ')')\" 2>/dev/null") or "not installed"
    return v


def machine():
    mem_kb = 0
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    model = sh("lscpu | grep 'Model name' | sed 's/Model name: *//'")
    return {"nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)), "cpu": model,
            "memory_gib": round(mem_kb / 1024 / 1024, 1), "kernel": platform.release(),
            "os": sh(". /etc/os-release && echo $PRETTY_NAME")}


def fmt_ratio(x):
    return f"{x:.2f}x"


def render_markdown(res, notes):
    m = res["machine"]
    L = []
    L.append("# Benchmarks: pixpool against its peers")
    L.append("")
    L.append("Generated by `bench/compare.sh` (this file is rewritten on each run; the notes")
    L.append("section between the markers is kept). Issue 6, the measuring half.")
    L.append("")
    L.append("## Machine and run")
    L.append("")
    L.append(f"- {m['os']}, kernel {m['kernel']}; `nproc` = {m['nproc']}, usable CPUs {m['usable_cpus']}")
    L.append(f"- CPU: {m['cpu']}; memory {m['memory_gib']} GiB")
    L.append(f"- run at {res['started']} UTC, {res['reps']} repetitions per tool, tools alternated "
             f"(each repetition starts with the next tool); took {res['elapsed_s'] / 60:.1f} min")
    L.append(f"- load average (1 min) at start {res['load_start']:.2f}, at end {res['load_end']:.2f} "
             f"(the machine is shared with other builds; see the per-run times in bench output)")
    L.append("")
    L.append("Command:")
    L.append("")
    L.append("```sh")
    L.append(res["command_line"])
    L.append("```")
    L.append("")
    L.append("## Tool versions")
    L.append("")
    L.append("| tool | version |")
    L.append("| --- | --- |")
    for k, val in res["versions"].items():
        L.append(f"| {k} | {val} |")
    L.append("")
    L.append("## What each tool runs")
    L.append("")
    L.append("Same work for all: Gaussian blur at the given sigma, JPEG quality 90 out, every file of the set.")
    L.append("")
    L.append("| tool | command (per workload) |")
    L.append("| --- | --- |")
    L.append("| pixpool | `pixpool run DIR -o OUT -f gaussian_blur:sigma=S --quality 90` (one worker per core) |")
    L.append("| Python Pool + Pillow | `bench/peers/py_pool_blur.py pil`: `multiprocessing.Pool()` (default processes = cores), `pool.map` over paths; `Image.open(p).filter(ImageFilter.GaussianBlur(S)).save(out, quality=90)`. Pillow's radius is the standard deviation; Pillow approximates the Gaussian with 3 box blurs |")
    L.append("| Python Pool + OpenCV | `bench/peers/py_pool_blur.py cv2`: same pool; `cv2.GaussianBlur(img, (0, 0), S)`, `cv2.imwrite(..., [IMWRITE_JPEG_QUALITY, 90])`. OpenCV threading left at its default (no `cv2.setNumThreads(0)`, as tutorials do not call it) |")
    L.append("| GNU parallel + vips | `/usr/bin/parallel /usr/bin/vips gaussblur {} OUT/{/}[Q=90] S ::: FILES` (one job per core; each vips also starts its own thread pool; gaussblur's argument is sigma, kernel cut where it falls below min-ampl 0.2, integer precision for 8-bit) |")
    L.append("| GNU parallel + ImageMagick | `/usr/bin/parallel /usr/bin/convert {} -blur 0xS -quality 90 OUT/{/} ::: FILES`. `-blur` is ImageMagick's separable (two 1-D passes) Gaussian, the fast one; `-gaussian-blur 0xS` is the full 2-D kernel and far slower at sigma 20. Debian's policy.xml caps memory at 256 MiB, so big images use the disk pixel cache; IM's OpenMP threads are on (2). The full path matters here: this machine has a Python stand-in `convert` in /usr/local/bin that forwards to /usr/bin/convert at ~0.3 s per call |")
    L.append("| sharp | `node bench/peers/sharp_blur.js S OUT FILES`: `sharp(in).blur(S).jpeg({quality: 90}).toFile(out)`, as many files in flight as `os.cpus().length`, sharp's defaults otherwise (on glibc without jemalloc sharp sets libvips concurrency to 1 thread per image) |")
    L.append("")
    L.append("Peak RSS is `/usr/bin/time -f %M` around the whole command, i.e. ru_maxrss from `wait4()`: the largest "
             "single process among the command and every descendant it waited for (what a wrapper's "
             "`getrusage(RUSAGE_CHILDREN)` reports), not a sum over processes. "
             "For pixpool that is the largest worker or the master; for GNU parallel the largest vips/convert.")
    L.append("")
    L.append("PSNR vs exact: one output file per tool (the workload's first file) against a float "
             "`cv2.GaussianBlur` of the decoded input, 4 sigma away from the borders; it shows every tool did the same "
             "blur, within its approximation and the q90 re-encode (above ~40 dB the difference is invisible).")
    L.append("")
    L.append("## Results")
    L.append("")
    for wl in res["workloads"]:
        L.append(f"### {wl['title']} ({wl['images']} images, {wl['megapixels']:.1f} MP)")
        L.append("")
        L.append("| tool | median wall (s) | runs (s) | images/s | MP/s | peak RSS (MiB) | time / pixpool's | PSNR vs exact (dB) |")
        L.append("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
        for r in sorted(wl["rows"], key=lambda r: r["median_s"]):
            runs = ", ".join(f"{t:.2f}" for t in r["runs"])
            L.append(f"| {r['label']} | {r['median_s']:.2f} | {runs} | {r['images_per_s']:.1f} | {r['mp_per_s']:.1f} | "
                     f"{r['peak_rss_mib']:.0f} | {r['median_s'] / wl['pixpool_s']:.2f} | "
                     + (f"{r['psnr_db']:.1f} |" if r.get("psnr_db") is not None else "|"))
        ok = wl["ratio_vs_fastest"] <= wl["target"]
        L.append("")
        once = ", ".join(wl["timed_once"])
        L.append(f"1-minute load average after each run: {wl['load_min']:.2f} to {wl['load_max']:.2f}."
                 + (f" Timed once (first run over {res['slow_limit']:.0f} s): {once}." if once else ""))
        L.append("")
        L.append(f"pixpool / fastest peer ({wl['fastest_peer']}): **{fmt_ratio(wl['ratio_vs_fastest'])}**, "
                 f"target ≤ {wl['target']}x: **{'holds' if ok else 'misses'}**.")
        L.append("")
    pe = res["efficiency"]
    L.append("### pixpool's parallel efficiency")
    L.append("")
    L.append(f"`{pe['command']}`:")
    L.append("")
    L.append("```")
    L.append(pe["output"])
    L.append("```")
    L.append("")
    if pe["efficiency"] is not None:
        ok = pe["efficiency"] >= EFFICIENCY_TARGET
        L.append(f"Efficiency **{pe['efficiency']:.2f}** on {m['usable_cpus']} cores, target ≥ {EFFICIENCY_TARGET}: "
                 f"**{'holds' if ok else 'misses'}**.")
    else:
        L.append("(could not parse an efficiency from the output)")
    L.append("")
    L.append("### Stage timing floor")
    L.append("")
    L.append("One extra `pixpool run ... --log-dir DIR` per workload; the workers' per-file `decode / filter / encode` "
             "times are summed over all files and divided by the number of workers (= usable CPUs): that is the floor, "
             "the wall time with perfect overlap and zero pool cost. Ratio = that run's wall time / floor.")
    L.append("")
    L.append("| workload | files | wall (s) | decode (s) | filter (s) | encode (s) | busy total (s) | floor (s) | wall / floor | per worker busy (s) |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for f in res["floors"]:
        if not f.get("files"):
            L.append(f"| {f['name']} | 0 | | | | | | | (no stage lines in the logs) | |")
            continue
        pw = ", ".join(f"{v:.2f}" for v in f["per_worker_s"].values())
        L.append(f"| {f['name']} | {f['files']} | {f['wall_s']:.2f} | {f['decode_s']:.2f} ({100 * f['decode_s'] / f['busy_s']:.0f}%) | "
                 f"{f['filter_s']:.2f} ({100 * f['filter_s'] / f['busy_s']:.0f}%) | {f['encode_s']:.2f} ({100 * f['encode_s'] / f['busy_s']:.0f}%) | "
                 f"{f['busy_s']:.2f} | {f['floor_s']:.2f} | **{f['ratio']:.2f}** | {pw} |")
    L.append("")
    L.append(f"Target wall / floor ≤ {FLOOR_TARGET}.")
    L.append("")
    rt = res["roundtrips"]
    L.append("### Pool round trips (empty tasks)")
    L.append("")
    L.append(f"`build/bench/pool_roundtrip {res['rt_tasks']} 5` (pixpool::Pool::map, handler returns its payload) next to "
             f"`bench/pool_roundtrip.py {res['rt_tasks']} 5` (`multiprocessing.Pool().map(echo, payloads, chunksize=1)`); "
             "median of 5 maps after a warm-up, both with one worker per core.")
    L.append("")
    L.append("| pool | round trips / s |")
    L.append("| --- | ---: |")
    L.append(f"| pixpool::Pool | {rt['pixpool'] or 0:.0f} |")
    L.append(f"| multiprocessing.Pool | {rt['python'] or 0:.0f} |")
    L.append("")
    if rt.get("ratio"):
        L.append(f"pixpool / Python: **{rt['ratio']:.2f}x**, target ≥ {ROUNDTRIP_TARGET}x: "
                 f"**{'holds' if rt['ratio'] >= ROUNDTRIP_TARGET else 'misses'}**.")
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("| target | measured | verdict |")
    L.append("| --- | ---: | --- |")
    for wl in res["workloads"]:
        ok = wl["ratio_vs_fastest"] <= wl["target"]
        L.append(f"| {wl['title']}: pixpool / fastest peer ≤ {wl['target']}x | {fmt_ratio(wl['ratio_vs_fastest'])} (fastest: {wl['fastest_peer']}) | {'holds' if ok else 'misses'} |")
    if pe["efficiency"] is not None:
        L.append(f"| parallel efficiency ≥ {EFFICIENCY_TARGET} | {pe['efficiency']:.2f} | {'holds' if pe['efficiency'] >= EFFICIENCY_TARGET else 'misses'} |")
    for f in res["floors"]:
        if f.get("files"):
            L.append(f"| {f['name']}: wall / stage floor ≤ {FLOOR_TARGET} | {f['ratio']:.2f} | {'holds' if f['ratio'] <= FLOOR_TARGET else 'misses'} |")
    if rt.get("ratio"):
        L.append(f"| pool round trips ≥ {ROUNDTRIP_TARGET}x Python's | {rt['ratio']:.2f}x | {'holds' if rt['ratio'] >= ROUNDTRIP_TARGET else 'misses'} |")
    L.append("")
    L.append(NOTES_BEGIN)
    L.append(notes.strip("\n") if notes else "## Notes\n\n(none yet)")
    L.append(NOTES_END)
    L.append("")
    return "\n".join(L)


def existing_notes(path):
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError:
        return ""
    a, b = text.find(NOTES_BEGIN), text.find(NOTES_END)
    if a < 0 or b < a:
        return ""
    return text[a + len(NOTES_BEGIN):b].strip("\n")


def main():
    ap = argparse.ArgumentParser(description="pixpool against its peers")
    ap.add_argument("--pixpool", required=True)
    ap.add_argument("--roundtrip", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--slow-limit", type=float, default=60.0,
                    help="a tool whose first repetition takes longer than this is timed once")
    ap.add_argument("--rt-tasks", type=int, default=20000)
    ap.add_argument("--only", default="", help="comma-separated workload names (default: all)")
    ap.add_argument("--md", help="write the report here (docs/benchmarks.md)")
    ap.add_argument("--json", help="write raw results here")
    ap.add_argument("--pixpool-rev", default="", help="which pixpool source was built, for the report")
    ap.add_argument("--command-line", default="bench/compare.sh")
    args = ap.parse_args()
    args.corpus = os.path.abspath(args.corpus)

    nproc = len(os.sched_getaffinity(0))
    tools = make_tools(args, nproc)
    started = datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M")
    t0 = time.perf_counter()
    res = {"started": started, "reps": args.reps, "load_start": os.getloadavg()[0], "machine": machine(),
           "versions": versions(args), "command_line": args.command_line, "rt_tasks": args.rt_tasks,
           "slow_limit": args.slow_limit}
    workloads = [w for w in WORKLOADS if not args.only or w[0] in args.only.split(",")]
    scratch = tempfile.mkdtemp(prefix="pixpool-compare-")
    try:
        res["workloads"] = []
        for wl in workloads:
            print(f"compare: {wl[0]}", flush=True)
            res["workloads"].append(run_workload(wl, tools, args, scratch))
            w = res["workloads"][-1]
            print(f"compare: {wl[0]}: pixpool {w['pixpool_s']:.2f} s, fastest peer {w['fastest_peer']}, "
                  f"ratio {w['ratio_vs_fastest']:.2f} (target <= {w['target']})", flush=True)
        print("compare: stage floor (pixpool --log-dir)", flush=True)
        res["floors"] = [stage_floor(wl, args, scratch, nproc) for wl in workloads]
        print("compare: parallel efficiency (pixpool bench)", flush=True)
        res["efficiency"] = parallel_efficiency(args)
        print("compare: pool round trips", flush=True)
        res["roundtrips"] = roundtrips(args)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    res["elapsed_s"] = time.perf_counter() - t0
    res["load_end"] = os.getloadavg()[0]

    notes = existing_notes(args.md) if args.md else ""
    md = render_markdown(res, notes)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(res, fh, indent=1)
    if args.md:
        os.makedirs(os.path.dirname(os.path.abspath(args.md)), exist_ok=True)
        with open(args.md, "w") as fh:
            fh.write(md)
    # the tables on stdout as well
    start = md.find("## Results")
    end = md.find(NOTES_BEGIN)
    print()
    print(md[start:end])
    return 0


if __name__ == "__main__":
    sys.exit(main())
