#!/usr/bin/env python3
"""Times two or more commands in alternation and prints each one's median.

hyperfine runs all of one command's runs before the next command's, so on a
shared machine whose speed drifts over minutes (this project's: +-10 %) two
binaries measured one after the other differ by the drift as much as by the
change. Alternating the runs (A B, B A, A B, ...) puts both through the same
spells; the medians then compare. Time copies of the binaries (cp), not one
as the linker left it: that one ran about 4 % slower here than a copy of the
same bytes.

    python3 scripts/alternate_timing.py [--runs N] [--warmup N] -- 'CMD A' 'CMD B' ...

Each command is split with shlex and started directly (no shell), its output
discarded; the time is from spawn to exit, as hyperfine -N measures it.
"""

import argparse
import os
import shlex
import statistics
import time


def run_once(argv, devnull):
    start = time.perf_counter()
    pid = os.posix_spawnp(
        argv[0],
        argv,
        os.environ,
        file_actions=[
            (os.POSIX_SPAWN_DUP2, devnull, 1),
            (os.POSIX_SPAWN_DUP2, devnull, 2),
        ],
    )
    _, status = os.waitpid(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{shlex.join(argv)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="runs of each command (default 300)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed runs of each first (default 10)")
    parser.add_argument("commands", nargs="+", help="the commands, each one argument")
    args = parser.parse_args()
    commands = [shlex.split(c) for c in args.commands]
    devnull = os.open(os.devnull, os.O_WRONLY)
    for argv in commands:
        for _ in range(args.warmup):
            run_once(argv, devnull)
    times = [[] for _ in commands]
    for n in range(args.runs):
        order = list(range(len(commands)))
        if n % 2:
            order.reverse()
        for i in order:
            times[i].append(run_once(commands[i], devnull))
    for command, samples in zip(args.commands, times):
        samples.sort()
        quarter = len(samples) // 4
        print(
            f"median {statistics.median(samples) * 1000:7.3f} ms"
            f"  (p25 {samples[quarter] * 1000:.3f}, p75 {samples[-quarter - 1] * 1000:.3f})  {command}"
        )


if __name__ == "__main__":
    main()
