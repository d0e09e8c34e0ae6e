"""History write benchmark: the cost of one durable turn (WAL) at synchronous=FULL and NORMAL.

The recorder writes each finished turn on the event loop thread, so this is how long the
loop is held per turn. Printed: median and 95th percentile per commit for each mode, and the
search time over the stored turns. It prints figures and asserts nothing.

    .venv/bin/python benchmarks/history_write.py [--turns 500] [--dir /path/on/the/real/disk]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from voicelive_desktop.history import HistoryStore, Turn


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(directory: Path, turns: int, synchronous: str) -> None:
    path = directory / f"history-{synchronous.lower()}.sqlite3"
    with HistoryStore(path) as store:
        store._connection.execute(f"PRAGMA synchronous={synchronous}")
        start = datetime.now(timezone.utc)
        costs_ms: list[float] = []
        for index in range(turns):
            moment = start + timedelta(seconds=index)
            turn = Turn(
                role="user" if index % 2 == 0 else "assistant",
                text=f"Turn {index}: the quick brown fox jumps over the lazy dog " * 3,
                started_at=moment,
                ended_at=moment + timedelta(milliseconds=800),
                latency_ms=None if index % 2 == 0 else 420.0,
            )
            began = time.perf_counter()
            store.record_turn("bench", turn)
            costs_ms.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        hits = store.search("quick fox")
        search_ms = (time.perf_counter() - began) * 1000
    print(
        f"synchronous={synchronous:<6} per turn: median {statistics.median(costs_ms):6.2f} ms,"
        f" p95 {percentile(costs_ms, 0.95):6.2f} ms, max {max(costs_ms):6.2f} ms;"
        f" search over {len(hits)} hits {search_ms:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=500)
    parser.add_argument("--dir", type=Path, help="where to write (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as directory:
        for synchronous in ("FULL", "NORMAL"):
            measure(Path(directory), args.turns, synchronous)


if __name__ == "__main__":
    main()
