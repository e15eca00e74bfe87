#!/usr/bin/env python3
"""Compares two `charter` binaries (say, before and after a change) in one interleaved run.

    python3 scripts/compare-binaries.py --old OLD_BIN --new NEW_BIN [--pages 10000]
        [--rounds 5] [--edits 20] [--dir DIR] [--corpus DIR]

On one corpus from the project's generator (`cargo run --release --example gen_corpus`, or
`--corpus DIR` to reuse one), it measures for each binary:

- cold build: `charter build` into a fresh, empty output folder; wall time, CPU time (user +
  system) and peak memory of the process (`wait4`). Rounds alternate old/new, then new/old, so
  that neither binary always runs second on a machine whose load changes;
- edit to served: `charter serve` on a copy of the corpus, then `--edits` times a sentence
  appended to one page's body, timed from the save to the new bytes served over HTTP (polled
  every 0.5 ms). The two servers run one after the other, twice, in ABBA order.

Prints medians (and p95 for edits) side by side with the ratio new/old. A measurement tool for
the notes of performance work, not a test: it exits non-zero only if something never happens.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

GIVE_UP = 120.0


def run_measured(argv):
    """Runs argv to its end; returns (wall seconds, cpu seconds, peak KiB)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(argv)} failed:\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def pages_of(content):
    found = []
    for folder, dirs, files in os.walk(content):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".md") and name != "_index.md":
                found.append(os.path.join(folder, name))
    return found


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode(errors="replace")
    except OSError:
        return ""


def edit_to_served(binary, site, edits, tag):
    """Starts `binary serve` on site; returns the save-to-served times of `edits` edits."""
    proc = subprocess.Popen(
        [binary, "serve", "--root", site, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ, NO_COLOR="1"),
        text=True,
    )
    base = None
    started = time.monotonic()
    for line in proc.stdout:
        m = re.search(r"http://[^\s/]+", line)
        if m:
            base = m.group(0)
            break
        if time.monotonic() - started > GIVE_UP:
            break
    if base is None:
        proc.kill()
        sys.exit(f"{binary} serve printed no address")
    # Keep reading its output so that it never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in proc.stdout], daemon=True).start()
    content = os.path.join(site, "content")
    sources = pages_of(content)
    times = []
    try:
        for i in range(edits):
            source = sources[(i * 7919) % len(sources)]
            rel = os.path.relpath(source, content)[: -len(".md")]
            url = f"{base}/{rel}/"
            sentence = f"Comparison sentence {tag} {i} was appended."
            with open(source, encoding="utf-8") as f:
                text = f.read()
            saved = time.perf_counter()
            with open(source, "w", encoding="utf-8") as f:
                f.write(text + f"\n{sentence}\n")
            while sentence not in fetch(url):
                if time.perf_counter() - saved > GIVE_UP:
                    sys.exit(f"{url} was never served with the edit")
                time.sleep(0.0005)
            times.append(time.perf_counter() - saved)
            time.sleep(0.3)  # let the server go quiet before the next edit
    finally:
        proc.kill()
        proc.wait()
    return times


def median_ms(values):
    return statistics.median(values) * 1000


def p95_ms(values):
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)] * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--old", required=True)
    parser.add_argument("--new", required=True)
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument(
        "--dir",
        help="work folder (default: a new folder in /dev/shm if there is one, else in the system's "
        "temporary folder). On a disk, ext4 creates files slowly after many were deleted "
        "(see benches/build.rs, work_dir); a folder in memory measures Charter, not that")
    parser.add_argument("--corpus", help="an existing corpus to use instead of generating one")
    args = parser.parse_args()
    binaries = {"old": os.path.abspath(args.old), "new": os.path.abspath(args.new)}
    memory = "/dev/shm" if os.path.isdir("/dev/shm") else None
    work = args.dir or tempfile.mkdtemp(prefix="charter-compare-", dir=memory)
    os.makedirs(work, exist_ok=True)
    corpus = args.corpus or os.path.join(work, f"corpus-{args.pages}")
    if not args.corpus:
        shutil.rmtree(corpus, ignore_errors=True)
        subprocess.run(
            ["cargo", "run", "--quiet", "--release", "--example", "gen_corpus", "--",
             "--pages", str(args.pages), "--out", corpus],
            check=True,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        )
    load = os.getloadavg()[0]
    print(f"compare: {corpus} ({args.pages} pages), {args.rounds} rounds, {os.cpu_count()} cores, "
          f"load {load:.2f}")

    builds = {"old": [], "new": []}
    for r in range(args.rounds):
        order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
        for name in order:
            out = os.path.join(work, f"out-{name}")
            shutil.rmtree(out, ignore_errors=True)
            builds[name].append(
                run_measured([binaries[name], "build", "--quiet", "--root", corpus,
                              "--output", out]))
            shutil.rmtree(out, ignore_errors=True)

    edits = {"old": [], "new": []}
    for r, name in enumerate(["old", "new", "new", "old"]):
        site = os.path.join(work, f"serve-{name}")
        shutil.rmtree(site, ignore_errors=True)
        shutil.copytree(corpus, site, ignore=shutil.ignore_patterns("public"))
        edits[name] += edit_to_served(binaries[name], site, args.edits // 2 or 1, f"{name}{r}")
        shutil.rmtree(site, ignore_errors=True)

    def row(label, old, new, unit):
        ratio = new / old if old else float("nan")
        print(f"  {label:<34} {old:>10.1f} {unit:<3} {new:>10.1f} {unit:<3} {ratio:>6.2f}x")

    print(f"  {'':<34} {'old':>14} {'new':>14} {'new/old':>7}")
    for i, (label, unit, scale) in enumerate(
            [("cold build wall (median)", "ms", 1000), ("cold build CPU (median)", "ms", 1000),
             ("cold build peak memory (median)", "MiB", 1 / 1024)]):
        old = statistics.median(b[i] for b in builds["old"]) * scale
        new = statistics.median(b[i] for b in builds["new"]) * scale
        row(label, old, new, unit)
    row("save -> served over HTTP (median)", median_ms(edits["old"]), median_ms(edits["new"]), "ms")
    row("save -> served over HTTP (p95)", p95_ms(edits["old"]), p95_ms(edits["new"]), "ms")
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
