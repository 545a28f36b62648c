"""python -m empathy.epitome fit --data DIR | score REPLY [--seeker TEXT]"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .data import default_cache
from .fit import fit
from .model import WEIGHTS_FILE, predict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m empathy.epitome", description="EPITOME mechanism model: refit the shipped weights, or score a reply")
    sub = parser.add_subparsers(dest="command", required=True)
    p_fit = sub.add_parser("fit", help="refit the shipped weights on the EPITOME CSVs")
    p_fit.add_argument("--data", required=True, type=Path, help="folder with the three EPITOME CSVs")
    p_fit.add_argument("--out", type=Path, default=WEIGHTS_FILE)
    p_fit.add_argument("--cache", type=Path, default=default_cache(), help="sentence-embedding cache (.npz)")
    p_fit.add_argument("--no-medical", action="store_true", help="EPITOME alone, without the medical replies")
    p_score = sub.add_parser("score", help="score one reply")
    p_score.add_argument("reply")
    p_score.add_argument("--seeker", default="")
    args = parser.parse_args(argv)
    if args.command == "fit":
        model = fit(args.data, args.out, args.cache, medical=not args.no_medical)
        size = args.out.stat().st_size
        print(f"wrote {args.out} ({size / 1e6:.2f} MB, {model.meta['pairs']} pairs + {model.meta['medical_examples']} "
              f"medical replies, {len(model.vocabulary)} terms)")
    else:
        print(json.dumps(predict(args.seeker, args.reply).to_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
