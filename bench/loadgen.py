"""``wrk``, when installed, as bench/feed.py drives its servers with it: URLs loaded in
alternation, each figure its best round. Without wrk, bench/feed.py uses its own thread
client (``alternate_threads``). (From the agenda benchmark's first version.)"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from bench.agenda import USER_AGENT
from bench.agenda import WORKERS
from bench.agenda import get
from bench.agenda import log


@dataclass
class Load:
    requests: int
    seconds: float
    mean_latency: float  # seconds, over completed requests

    @property
    def rps(self) -> float:
        return self.requests / self.seconds


def warm_up(port: int, path: str, headers: dict, rounds: int = 2, expect: int = 200) -> None:
    """Concurrent requests, more than there are workers, so each one formats and caches the
    page before it is measured."""
    failures = []

    def fetch():
        try:
            status = get(port, path, headers)[0]
            if status != expect:
                failures.append(status)
        except OSError as error:
            failures.append(error)

    for _ in range(rounds):
        threads = [threading.Thread(target=fetch) for _ in range(WORKERS * 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if failures:
        raise RuntimeError(f"warm-up of {path} failed: {failures[:3]}")


WRK = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
LATENCY_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def run_wrk(port: int, path: str, headers: dict, connections: int, seconds: int) -> Load:
    command = [WRK, f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--timeout",
               "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    result = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True,
                            text=True, timeout=seconds + 40, check=False)
    out = result.stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)\b", out)
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s|m)\b", out)
    if result.returncode != 0 or not done or not latency:
        raise RuntimeError(f"wrk failed:\n{out}\n{result.stderr}")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    timeouts = re.search(r"timeout (\d+)", out)
    if bad or (timeouts and int(timeouts.group(1))):
        raise RuntimeError(f"wrk saw failed requests on {path}:\n{out}")
    return Load(int(done.group(1)), float(done.group(2)) * LATENCY_UNITS[done.group(3)],
                float(latency.group(1)) * LATENCY_UNITS[latency.group(2)])


@dataclass(frozen=True)
class Target:
    name: str
    port: int
    path: str
    headers: dict
    connections: int
    seconds: int  # per round
    expect: int = 200  # the status every answer must have (304 for conditional requests)


def measure(targets: list[Target], rounds: int = 3) -> list[Load]:
    """Load the targets in alternation, ``rounds`` times over, and keep each one's best round:
    work from elsewhere on the machine only ever slows a round down, and alternating makes it
    fall on both sides of a comparison alike."""
    for target in targets:
        warm_up(target.port, target.path, target.headers, expect=target.expect)
    runs: list[list[Load]] = [[] for _ in targets]
    for _ in range(rounds):
        for target, done in zip(targets, runs, strict=True):
            done.append(run_wrk(target.port, target.path,
                                {"User-Agent": USER_AGENT, **target.headers},
                                target.connections, target.seconds))
    results = []
    for target, done in zip(targets, runs, strict=True):
        # Fastest mean latency: at a fixed number of connections, also the highest throughput
        # (Little's law), and not rounded to whole requests as short runs of big pages are.
        best = min(done, key=lambda run: run.mean_latency)
        log(f"{target.name} ({target.connections} connection"
            f"{'s' * (target.connections != 1)}, {'wrk' if WRK else 'python client'}): "
            + ", ".join(f"{run.rps:.0f}/s {run.mean_latency * 1000:.1f} ms" for run in done)
            + f"; best {best.rps:.0f}/s, mean {best.mean_latency * 1000:.1f} ms per request")
        results.append(best)
    return results
