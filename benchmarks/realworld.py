"""Real-world-style physician replies (ChatDoctor GenMedGPT dev set) and their fixed dev / blind split.

The replies (``/work/shared/data/chatdoctor/genmedgpt-dev.jsonl``, ``{"id","patient","reply"}``,
ChatGPT-written doctor replies from the ChatDoctor project, Apache-2.0) are longer and more
diagnosis-heavy than the project's hand-written drafts, with many drug and test names outside any
small vocabulary. They are the drafts of the real-world fact-checker and editing benchmarks.

The split is deterministic: sha256 of the id, first 8 hex digits as an integer, modulo 100;
below 70 is ``dev`` (checker development may look at it), the rest is ``blind`` (only for
measuring). The id lists are saved in ``benchmarks/data/chatdoctor_split.json`` and that file, not
the hash, is the reference: rows whose id is in neither list are ignored.

    python benchmarks/realworld.py --write-split     # (re)compute and save the split
    python benchmarks/realworld.py                   # counts per split
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path("/work/shared/data/chatdoctor/genmedgpt-dev.jsonl")
SAMPLE_DATA = ROOT / "tests" / "data" / "chatdoctor_sample.jsonl"
SPLIT_FILE = ROOT / "benchmarks" / "data" / "chatdoctor_split.json"
DEV_SHARE = 70  # percent


@dataclass(frozen=True)
class Reply:
    id: str
    patient: str
    reply: str
    split: str  # "dev" or "blind"


def split_of(reply_id: str) -> str:
    """dev for 70 % of ids, blind for 30 %, fixed by the sha256 of the id."""
    h = int(hashlib.sha256(reply_id.encode("utf-8")).hexdigest()[:8], 16)
    return "dev" if h % 100 < DEV_SHARE else "blind"


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append(json.loads(line))
    return rows


def load_split(path: Path = SPLIT_FILE) -> dict[str, str]:
    """id -> split, from the saved id lists."""
    data = json.loads(Path(path).read_text())
    return {i: name for name in ("dev", "blind") for i in data[name]}


def load(data: Path | str | None = None, split: str = "all") -> list[Reply]:
    """The replies of ``data`` (default: the shared file, else the test sample) in ``split``."""
    path = Path(data) if data else (DEFAULT_DATA if DEFAULT_DATA.exists() else SAMPLE_DATA)
    where = load_split()
    out = []
    for r in read_jsonl(path):
        s = where.get(r["id"])
        if s is None or (split != "all" and s != split):
            continue
        out.append(Reply(r["id"], r["patient"], r["reply"], s))
    return out


def write_split(data: Path = DEFAULT_DATA) -> dict:
    ids = [r["id"] for r in read_jsonl(data)]
    out = {
        "source": str(data),
        "rule": "sha256(id) first 8 hex digits as int, % 100 < 70 -> dev, else blind",
        "dev": [i for i in ids if split_of(i) == "dev"],
        "blind": [i for i in ids if split_of(i) == "blind"],
    }
    SPLIT_FILE.parent.mkdir(parents=True, exist_ok=True)
    SPLIT_FILE.write_text(json.dumps(out, indent=0) + "\n")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--write-split", action="store_true")
    args = ap.parse_args()
    if args.write_split:
        s = write_split(Path(args.data))
        print(f"wrote {SPLIT_FILE}: dev {len(s['dev'])}, blind {len(s['blind'])}")
    rows = load(args.data)
    for name in ("dev", "blind"):
        print(name, sum(r.split == name for r in rows))


if __name__ == "__main__":
    main()
