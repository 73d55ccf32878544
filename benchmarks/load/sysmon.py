"""CPU and memory of the benchmark's processes and of the whole machine, from /proc.

Per process: CPU seconds (utime + stime), RSS and PSS (PSS splits pages shared
between Gunicorn's workers fairly). Per phase: CPU cores used by each worker,
by the load tool, and by the whole machine, so "others" (jobs outside the
benchmark on this shared machine) = machine − ours.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass

CLK_TCK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [11] utime, [12] stime."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def children_of(pid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = _stat(int(name))
            if fields and fields[1] == str(pid):
                out.append(int(name))
    return sorted(out)


def cpu_seconds(pid: int) -> float | None:
    fields = _stat(pid)
    return None if fields is None else (int(fields[11]) + int(fields[12])) / CLK_TCK


def _kb(path: str, key: str) -> int | None:
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def memory_mb(pid: int) -> dict[str, float | None]:
    rss, pss = _kb(f"/proc/{pid}/status", "VmRSS:"), _kb(f"/proc/{pid}/smaps_rollup", "Pss:")
    return {"rss_mb": None if rss is None else round(rss / 1024, 1),
            "pss_mb": None if pss is None else round(pss / 1024, 1)}


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already in user
    return total - idle, total


def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _own_cpu() -> float:
    """CPU seconds of this process and its waited-for children (the load tools)."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


@dataclass
class _Start:
    wall: float
    busy: int
    total: int
    own: float
    procs: dict[int, float]


class Meter:
    """CPU use over one phase: per watched process, this process + load tools, the machine."""

    def __init__(self, groups: dict[str, list[int]]) -> None:
        self.groups = groups  # name -> pids (e.g. service workers)
        busy, total = machine_ticks()
        procs = {pid: cpu_seconds(pid) or 0.0 for pids in groups.values() for pid in pids}
        self.start = _Start(time.monotonic(), busy, total, _own_cpu(), procs)

    def stop(self) -> dict:
        wall = time.monotonic() - self.start.wall
        busy, total = machine_ticks()
        ncpu = os.cpu_count() or 1
        machine_cores = (busy - self.start.busy) / max(1, total - self.start.total) * ncpu
        out: dict = {"seconds": round(wall, 2), "load_average": load_average(),
                     "machine_cores_busy": round(machine_cores, 2)}
        ours = 0.0
        for name, pids in self.groups.items():
            per = []
            for pid in pids:
                now = cpu_seconds(pid)
                used = 0.0 if now is None else max(0.0, now - self.start.procs.get(pid, 0.0))
                ours += used
                per.append({"pid": pid, "cores": round(used / wall, 2) if wall else 0.0,
                            "rss_mb": memory_mb(pid)["rss_mb"]})
            out[name] = per
        tools = _own_cpu() - self.start.own
        ours += tools
        out["harness_and_load_tool_cores"] = round(tools / wall, 2) if wall else 0.0
        out["others_cores"] = round(max(0.0, machine_cores - ours / wall), 2) if wall else 0.0
        return out
