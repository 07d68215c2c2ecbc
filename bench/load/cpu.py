"""Where the CPU goes during a load scenario, read from /proc: the gunicorn master and each worker, the load
generator (locust, a child of run.py), the PostgreSQL backends serving the benchmark database, and the rest of the
machine (/proc/stat's busy time minus those), with the load average at the start and the end.

Linux only (it reads /proc/<pid>/stat, /proc/<pid>/cmdline and /proc/stat); SQLite's work is inside the workers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


def process_seconds(pid: int) -> float | None:
    """User + system CPU seconds of one live process (None if it is gone)."""
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) may hold spaces and brackets: split after its closing bracket.
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15 of stat)


def children(pid: int) -> list[int]:
    """Live child processes of `pid`."""
    found = []
    for stat in PROC.glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if int(text[text.rindex(")") + 2:].split()[1]) == pid:
            found.append(int(stat.parent.name))
    return sorted(found)


def postgres_backends(database: str) -> list[int]:
    """Server processes of PostgreSQL connected to `database` (their process title names it)."""
    found = []
    for cmdline in PROC.glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        # "postgres: [<cluster>: ]<user> <database> <host>(<port>) <state>" (Debian names the cluster: "15/main:")
        words = title.split()
        if not words or words[0] != "postgres:":
            continue
        words = words[2:] if len(words) > 1 and words[1].endswith(":") else words[1:]
        if len(words) >= 2 and words[1] == database:
            found.append(int(cmdline.parent.name))
    return found


def machine_seconds() -> tuple[float, float]:
    """(busy, idle) CPU seconds of the whole machine since boot, all cores (/proc/stat's first line)."""
    values = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / TICK, (idle + iowait) / TICK


def generator_seconds() -> float:
    """CPU seconds of this process's reaped children (locust runs as one, waited for by subprocess.run)."""
    times = os.times()
    return times.children_user + times.children_system


@dataclass
class Snapshot:
    """CPU counters at one moment."""

    workers: dict[int, float]
    master: float
    database: dict[int, float]
    generator: float
    busy: float
    idle: float
    load: float


def snapshot(master_pid: int, database: str | None) -> Snapshot:
    busy, idle = machine_seconds()
    return Snapshot(workers={pid: process_seconds(pid) or 0.0 for pid in children(master_pid)},
                    master=process_seconds(master_pid) or 0.0,
                    database={pid: process_seconds(pid) or 0.0 for pid in postgres_backends(database)}
                    if database else {},
                    generator=generator_seconds(), busy=busy, idle=idle, load=os.getloadavg()[0])


@dataclass
class Usage:
    """CPU seconds used between two snapshots, and the requests served meanwhile."""

    seconds: float  #: wall time
    workers: list[float]  #: per worker, in pid order
    master: float
    database: float  #: PostgreSQL backends of the benchmark database (0 on SQLite: inside the workers)
    generator: float  #: locust
    other: float  #: the rest of the machine's busy time
    idle: float  #: idle time of all cores
    load_start: float
    load_end: float
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def app(self) -> float:
        return self.master + sum(self.workers)

    def per_request(self, seconds: float) -> float:
        """Milliseconds per request of `seconds` of CPU."""
        return seconds * 1000 / max(self.requests, 1)


def usage(before: Snapshot, after: Snapshot, seconds: float) -> Usage:
    """What was used between `before` and `after`: workers and backends that started meanwhile count from zero,
    those that ended meanwhile are lost (noted)."""
    notes = []
    workers = [after.workers[pid] - before.workers.get(pid, 0.0) for pid in sorted(after.workers)]
    if set(before.workers) - set(after.workers):
        notes.append(f"{len(set(before.workers) - set(after.workers))} worker(s) ended during the scenario")
    database = sum(after.database[pid] - before.database.get(pid, 0.0) for pid in after.database)
    if set(before.database) - set(after.database):
        notes.append(f"{len(set(before.database) - set(after.database))} database backend(s) ended meanwhile")
    master = after.master - before.master
    generator = after.generator - before.generator
    busy = after.busy - before.busy
    other = busy - master - sum(workers) - database - generator
    return Usage(seconds=seconds, workers=workers, master=master, database=database, generator=generator,
                 other=max(other, 0.0), idle=after.idle - before.idle, load_start=before.load,
                 load_end=after.load, notes=notes)


HEADER = ("| scenario | s | workers | req/s | app CPU s (per worker) | app ms/req | generator CPU s | generator "
          "ms/req | database CPU s | database ms/req | rest of machine CPU s | idle s | load start/end |")


def row(name: str, u: Usage, workers: int) -> str:
    """One line of the CPU table (markdown)."""
    per_worker = " ".join(f"{s:.1f}" for s in u.workers)
    return (f"| {name} | {u.seconds:.0f} | {workers} | {u.requests / max(u.seconds, 1e-9):.0f} | {u.app:.1f} "
            f"({per_worker}) | {u.per_request(u.app):.1f} | {u.generator:.1f} | {u.per_request(u.generator):.1f} | "
            f"{u.database:.1f} | {u.per_request(u.database):.1f} | {u.other:.1f} | {u.idle:.1f} | "
            f"{u.load_start:.1f} / {u.load_end:.1f} |")
