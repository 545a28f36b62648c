"""Store write throughput: judgments per second from threads, from processes, and through the app's API.

    python benchmarks/store_load.py [--n 1600] [--api]

Every mode checks that exactly the expected number of rows landed and that ``PRAGMA integrity_check`` passes.
``--api`` also starts ``python app.py`` and records 16 x 100 judgments with ``gradio_client`` (as the load test does).
Each judgment is its own committed transaction with ``synchronous=FULL``, by its own annotator (one annotator voting
again on a pair replaces the judgment, which would measure updates instead of inserts).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from empathy.store import Store  # noqa: E402


def setup(db: Path) -> tuple[int, int]:
    s = Store(db)
    case = s.add_case("My knee hurts after the fall.", "Ice twice a day; X-ray if not better in a week.")
    a = s.add_reply(case, "Ice twice a day; X-ray if not better in a week.", kind="original", model="physician",
                    prompt="", level=None)
    b = s.add_reply(case, "Sorry about your fall. Ice twice a day.", kind="edit", model="m", prompt="p", level=1)
    s.close()
    return a, b


def _proc(db, a, b, n, k):
    s = Store(db)
    for i in range(n):
        s.add_judgment(f"p{k}-{i}", a, b, ("a", "b", "tie")[i % 3])
    s.close()


def check(db: Path, expected: int) -> str:
    s = Store(db)
    n, ok = s.count("judgments"), s.integrity_check()
    s.close()
    assert n == expected and ok == "ok", (n, expected, ok)
    return f"{n} rows, integrity {ok}"


def bench_threads(n: int, threads: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "b.db"
        a, b = setup(db)
        store = Store(db)
        per = n // threads
        start = time.perf_counter()
        ts = [threading.Thread(target=lambda k=k: [store.add_judgment(f"t{k}-{i}", a, b, "a") for i in range(per)])
              for k in range(threads)]
        [t.start() for t in ts]
        [t.join() for t in ts]
        secs = time.perf_counter() - start
        store.close()
        print(f"{threads:>2} thread(s), one Store: {per * threads} judgments in {secs:.2f} s "
              f"({per * threads / secs:.0f}/s); {check(db, per * threads)}")


def bench_processes(n: int, procs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "b.db"
        a, b = setup(db)
        per = n // procs
        start = time.perf_counter()
        ps = [mp.Process(target=_proc, args=(db, a, b, per, k)) for k in range(procs)]
        [p.start() for p in ps]
        [p.join() for p in ps]
        secs = time.perf_counter() - start
        print(f"{procs:>2} processes: {per * procs} judgments in {secs:.2f} s ({per * procs / secs:.0f}/s, "
              f"process start-up included); {check(db, per * procs)}")


def bench_api(clients: int = 16, per: int = 100) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from app_server import AppServer
    from gradio_client import Client

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "api.db"
        a, b = setup(db)
        server = AppServer(db)
        errors = []
        try:
            def run(k):
                try:
                    c = Client(server.url, verbose=False)
                    for i in range(per):
                        c.predict(f"c{k}-{i}", a, b, "a", "overall", api_name="/record_judgment")
                except Exception as e:
                    errors.append(repr(e))

            start = time.perf_counter()
            ts = [threading.Thread(target=run, args=(k,)) for k in range(clients)]
            [t.start() for t in ts]
            [t.join() for t in ts]
            secs = time.perf_counter() - start
        finally:
            server.stop()
        print(f"{clients} gradio_client clients x {per}: {clients * per} judgments in {secs:.1f} s "
              f"({clients * per / secs:.0f}/s), {len(errors)} errors; {check(db, clients * per)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=1600)
    parser.add_argument("--api", action="store_true")
    args = parser.parse_args()
    bench_threads(args.n, 1)
    bench_threads(args.n, 16)
    bench_processes(args.n, 4)
    if args.api:
        bench_api()


if __name__ == "__main__":
    main()
