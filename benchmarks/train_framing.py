"""Gate acceptance of the embedded model's framing sentences on blind ChatDoctor drafts: base model
(EMPATHY_TASK_ADAPTERS=none) against the shipped framing adapter (empathy/data/adapters/framing.gguf).

Same drafts, slots, prompts and seeds for both; a candidate is accepted when the product would take it
(framing_guard, no feeling the patient did not express, the sentence gate). Writes the ``blind`` part of
benchmarks/results/train_framing.json (the training part, written by ``python -m training.framing_adapter``,
is kept) and every sample to benchmarks/results/train_framing_samples.jsonl.

    EMPATHY_THREADS=1 python benchmarks/train_framing.py [--eval-drafts 40] [--eval-samples 1]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from training.framing_adapter import main  # noqa: E402

if __name__ == "__main__":
    main(["--eval-only", *sys.argv[1:]])
