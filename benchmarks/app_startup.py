"""Start-up benchmark: ``python app.py`` until its first page is served, model load included.

Runs the real ``app.py`` in a fresh process with an empty database, several times, and reports the seconds from
process start to the first HTTP 200 of ``/``. A watcher thread inside the process records which heavy modules were
imported when the first page was served: torch, transformers, trl, peft, datasets, sentence_transformers must not be
(the training stack and the embedding model load only when a feature needs them).

    python benchmarks/app_startup.py [--runs 3] [--limit 20]

Exits 1 when a run exceeds the limit or a heavy module was imported at start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "trl", "peft", "datasets", "sentence_transformers", "accelerate", "sklearn")

WRAPPER = """
import json, runpy, sys, threading, time, urllib.request
port, out = sys.argv[1], sys.argv[2]
HEAVY = {heavy!r}
def watch():
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{{port}}/", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.05)
    loaded = sorted(m for m in HEAVY if m in sys.modules)
    open(out, "w").write(json.dumps({{"heavy_modules": loaded, "modules": len(sys.modules)}}))
threading.Thread(target=watch, daemon=True).start()
sys.argv = ["app.py", "--port", port]
runpy.run_path({app!r}, run_name="__main__")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run(watch: bool) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        port = str(free_port())
        env = {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_")}
        env.update({"EMPATHY_DB": str(Path(tmp) / "bench.db"), "EMPATHY_THREADS": "2", "HF_HUB_OFFLINE": "1",
                    "GRADIO_ANALYTICS_ENABLED": "False"})
        report = Path(tmp) / "modules.json"
        if watch:
            cmd = [sys.executable, "-c", WRAPPER.format(heavy=HEAVY, app=str(ROOT / "app.py")), port, str(report)]
        else:
            cmd = [sys.executable, str(ROOT / "app.py"), "--port", port]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"app exited early: {proc.stderr.read().decode()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.05)
                if time.perf_counter() - start > 120:
                    raise RuntimeError("no page after 120 s")
            seconds = time.perf_counter() - start
            result = {"seconds": round(seconds, 2), "watched": watch}
            if watch:
                for _ in range(100):
                    if report.exists() and report.stat().st_size:
                        break
                    time.sleep(0.05)
                result.update(json.loads(report.read_text()))
            return result
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=20.0)
    args = parser.parse_args()
    runs = [one_run(watch=True)] + [one_run(watch=False) for _ in range(args.runs)]
    for r in runs:
        print(json.dumps(r))
    times = [r["seconds"] for r in runs]
    heavy = runs[0].get("heavy_modules", [])
    print(f"first page after python app.py: median {statistics.median(times):.1f} s, max {max(times):.1f} s "
          f"over {len(times)} runs (limit {args.limit:.0f} s); heavy modules at start-up: {heavy or 'none'}")
    return 0 if max(times) <= args.limit and not heavy else 1


if __name__ == "__main__":
    sys.exit(main())
