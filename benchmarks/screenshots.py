"""Regenerate the README's screenshots (assets/compose.png, assets/tradeoff.png, assets/dashboard.png) at 1024 px.

Runs the end-to-end browser test (real ``python app.py``, the embedded model, headless Chromium) with
``EMPATHY_SCREENSHOTS`` set, so the pictures come from the same checked session the test asserts on:
the compose result of a case with crisis language, the level comparison of that case, and the dashboard after
its judgments.

    python benchmarks/screenshots.py [--out assets]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="assets", help="folder for the PNGs (relative to the repository root)")
    args = parser.parse_args()
    env = dict(os.environ, EMPATHY_SCREENSHOTS=args.out, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               HF_DATASETS_OFFLINE="1")
    rc = subprocess.call([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                          "tests/test_browser_app.py"], cwd=ROOT, env=env)
    out = Path(args.out) if Path(args.out).is_absolute() else ROOT / args.out
    for name in ("compose.png", "tradeoff.png", "dashboard.png"):
        path = out / name
        print(f"{path}: {'%d bytes' % path.stat().st_size if path.exists() else 'missing'}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
