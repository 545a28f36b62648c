"""A trained adapter against its base, on the held-out validation split of its run.

* **Preference accuracy** (DPO pairs): the implicit reward margin ``(log pi(c) - log ref(c)) - (log pi(r) - log ref(r))``
  is positive, as in TRL's ``rewards/accuracies``. Before training the policy *is* the reference, so the margin is 0
  for every pair; the comparable "before" number is the log-prob accuracy: does the model give the chosen reply a
  higher per-token log-probability than the rejected one? Both are reported for base and trained.
* **KTO** records: the sign of the implicit reward agrees with the label. **SFT**: per-token log-prob of the reference.
* **Served edits** (llama-cpp, base GGUF with and without the GGUF adapter, greedy): fact recall and precision of each
  edit against the draft (``empathy.facts``), win rate of the trained edit over the base edit by
  ``empathy.ranking.rank_empathy`` (ties count half), mean empathy score, BLEU and ROUGE against the reference
  (chosen) replies.

Writes ``eval_report.json`` and ``eval_plot.png`` into the run folder.
"""

from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path
from typing import Callable

from empathy.backends.base import GenerationOptions
from empathy.errors import InputError
from empathy.facts import check_facts
from empathy.files import read_jsonl
from empathy.generation import clean_model_text
from empathy.ranking import rank_empathy
from empathy.scoring import score_empathy

from .export_gguf import open_llama
from .model_loading import load_model, resolve_base


def tokenize_pair(tok, prompt: list[dict], completion: str) -> tuple[list[int], list[int]]:
    """Prompt ids and completion ids exactly as TRL builds them for conversational data."""
    prompt_ids = list(tok.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])
    full = list(tok.apply_chat_template(prompt + [{"role": "assistant", "content": completion}], tokenize=True,
                                        return_dict=True)["input_ids"])
    if full[: len(prompt_ids)] != prompt_ids:
        raise InputError("the chat template does not extend the prompt with the reply; cannot score completions")
    return prompt_ids, full[len(prompt_ids):]


def sequence_logprobs(model, items: list[tuple[list[int], list[int]]], batch_size: int = 8) -> list[tuple[float, int]]:
    """(sum of completion log-probs, completion length) for each (prompt ids, completion ids), right-padded batches."""
    import torch

    out = []
    model.eval()
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        seqs = [p + c for p, c in chunk]
        width = max(map(len, seqs))
        ids = torch.zeros((len(seqs), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, s in enumerate(seqs):
            ids[i, : len(s)] = torch.tensor(s)
            mask[i, : len(s)] = 1
        with torch.no_grad():
            logits = model(input_ids=ids, attention_mask=mask).logits.float()
        logp = torch.log_softmax(logits, -1)
        for i, (p, c) in enumerate(chunk):
            pos = torch.arange(len(p) - 1, len(p) + len(c) - 1)
            out.append((float(logp[i, pos, torch.tensor(c)].sum()), len(c)))
    return out


def preference_metrics(peft_model, tok, records: list[dict], method: str) -> dict:
    """Base (adapter disabled) and trained log-probs on held-out records, and the accuracies above."""
    if not records:
        return {}
    if method == "dpo":
        items = []
        for r in records:
            items.append(tokenize_pair(tok, r["prompt"], r["chosen"]))
            items.append(tokenize_pair(tok, r["prompt"], r["rejected"]))
    else:
        items = [tokenize_pair(tok, r["prompt"], r["completion"]) for r in records]
    trained = sequence_logprobs(peft_model, items)
    with peft_model.disable_adapter():
        base = sequence_logprobs(peft_model, items)
    if method == "dpo":
        margins, acc_base, acc_trained = [], [], []
        for i in range(0, len(items), 2):
            (tc, nc), (tr, nr) = trained[i], trained[i + 1]
            (bc, _), (br, _) = base[i], base[i + 1]
            margins.append((tc - bc) - (tr - br))
            acc_base.append(bc / nc > br / nr)
            acc_trained.append(tc / nc > tr / nr)
        return {
            "pairs": len(margins),
            "implicit_reward_accuracy": _mean([m > 0 for m in margins]),
            "implicit_reward_margin_mean": _mean(margins),
            "logp_accuracy_base": _mean(acc_base),
            "logp_accuracy_trained": _mean(acc_trained),
            "chosen_logp_change": _mean([trained[i][0] - base[i][0] for i in range(0, len(items), 2)]),
            "rejected_logp_change": _mean([trained[i][0] - base[i][0] for i in range(1, len(items), 2)]),
        }
    if method == "kto":
        agree = [((t - b) > 0) == r["label"] for (t, _), (b, _), r in zip(trained, base, records)]
        return {"examples": len(records), "implicit_reward_accuracy": _mean(agree)}
    return {"examples": len(records),
            "logp_per_token_base": _mean([b / n for b, n in base]),
            "logp_per_token_trained": _mean([t / n for t, n in trained])}


# The edit prompt quotes both texts in triple quotes (empathy.prompts); runs built before that used <patient> tags.
_DRAFT = re.compile(r'Physician\'s reply:\n(?:"""\n(.*?)\n"""|(.*?))\n\nRewrite the physician\'s reply', re.S)
_PATIENT = re.compile(r'Patient\'s message[^\n]*:\n"""\n(.*?)\n"""|<patient>\n(.*?)\n</patient>', re.S)


def _group(m: re.Match | None) -> str | None:
    return next((g for g in m.groups() if g is not None), None) if m else None


def draft_of(record: dict) -> str | None:
    """The physician's draft an edit starts from: the record's own field, or read back from the edit prompt."""
    if record.get("draft"):
        return record["draft"]
    return _group(_DRAFT.search(record["prompt"][-1]["content"]))


def patient_of(record: dict) -> str:
    if record.get("patient"):
        return record["patient"]
    return _group(_PATIENT.search(record["prompt"][-1]["content"])) or record["prompt"][-1]["content"]


def served_edit_metrics(base_gguf: str, adapter_gguf: str, records: list[dict], *, max_cases: int = 20,
                        threads: int = 2, progress: Callable[[int, int], None] | None = None,
                        repeat_penalty: float | None = None) -> dict:
    """Greedy edits from llama-cpp with and without the adapter, scored for facts, empathy and overlap.

    ``repeat_penalty`` defaults to the product's (``GenerationOptions``): what a clinician would be served."""
    cases, seen = [], set()
    for r in records:
        draft = draft_of(r)
        key = json.dumps(r["prompt"])
        if draft and key not in seen:
            seen.add(key)
            cases.append((r, draft))
    cases = cases[:max_cases]
    if not cases:
        return {"cases": 0, "note": "no validation records with a physician draft"}
    penalty = GenerationOptions().repeat_penalty if repeat_penalty is None else repeat_penalty
    outputs = {}
    for name, adapter in (("base", None), ("trained", adapter_gguf)):
        llm = open_llama(base_gguf, adapter, threads=threads, n_ctx=2048)
        texts = []
        try:
            for i, (r, draft) in enumerate(cases):
                budget = min(512, 60 + int(len(draft) / 2.2) + 80)
                res = llm.create_chat_completion(messages=r["prompt"], max_tokens=budget, temperature=0.0, seed=0,
                                                 repeat_penalty=penalty)
                texts.append(clean_model_text(res["choices"][0]["message"]["content"] or ""))
                if progress:
                    progress(i + 1 + (len(cases) if name == "trained" else 0), 2 * len(cases))
        finally:
            llm.close()
        outputs[name] = texts
    result = {"cases": len(cases), "repeat_penalty": penalty}
    refs = [r.get("chosen") or r.get("completion") or "" for r, _ in cases]
    scores = {}
    for name, texts in outputs.items():
        reports = [check_facts(draft, text or " ") if text else None for (r, draft), text in zip(cases, texts)]
        result[name] = {
            "fact_recall": _mean([rep.recall if rep else 0.0 for rep in reports]),
            "fact_precision": _mean([rep.precision if rep else 0.0 for rep in reports]),
            "all_facts_kept": _mean([bool(rep and rep.recall >= 1.0) for rep in reports]),
            "empty": sum(1 for t in texts if not t),
            **overlap_metrics(texts, refs),
        }
        scores[name] = [_empathy(patient_of(r), t) for (r, _), t in zip(cases, texts)]
        result[name]["empathy"] = _mean(scores[name])
    wins = [_win(patient_of(r), t, b) for (r, _), t, b in zip(cases, outputs["trained"], outputs["base"])]
    result["win_rate_trained_vs_base"] = _mean(wins)  # rank_empathy: trained wins 1, tie 0.5, loses 0
    result["examples"] = [{"draft": d, "base": b, "trained": t} for (r, d), b, t in
                          list(zip(cases, outputs["base"], outputs["trained"]))[:5]]
    return result


def _win(patient: str, trained: str, base: str) -> float:
    """1 / 0.5 / 0 for the trained edit against the base edit by ``empathy.ranking.rank_empathy`` (score-based)."""
    if not trained or not base:
        return 0.5 if trained == base else float(bool(trained))

    winner = rank_empathy(patient, trained, base).winner
    return {"a": 1.0, "tie": 0.5, "b": 0.0}[winner]


def _empathy(patient: str, text: str) -> float:
    if not text:
        return 0.0

    return float(score_empathy(patient, text).overall)


def overlap_metrics(hypotheses: list[str], references: list[str]) -> dict:
    """Corpus BLEU (sacrebleu) and mean ROUGE-1/2/L F1 (rouge-score) against the references."""
    out = {}
    try:
        import sacrebleu

        out["bleu"] = round(sacrebleu.corpus_bleu([h or "" for h in hypotheses], [references]).score, 3)
    except ImportError:
        out["bleu"] = None
    try:
        from rouge_score import rouge_scorer

        scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
        rows = [scorer.score(ref, hyp or "") for hyp, ref in zip(hypotheses, references)]
        for k in ("rouge1", "rouge2", "rougeL"):
            out[k] = _mean([r[k].fmeasure for r in rows])
    except ImportError:
        out.update(rouge1=None, rouge2=None, rougeL=None)
    return out


def _mean(values) -> float | None:
    values = [float(v) for v in values]
    return round(sum(values) / len(values), 4) if values else None


def evaluate_model(peft_model, tok, validation: list[dict], method: str, *, base_gguf: str | None = None,
                   adapter_gguf: str | None = None, max_generate: int = 20, log_history: list | None = None,
                   out_dir: str | Path | None = None, threads: int = 2,
                   progress: Callable[[float, str], None] | None = None) -> dict:
    """Everything above; writes the JSON report and the plot when ``out_dir`` is given."""
    start = time.perf_counter()
    report: dict = {"method": method, "validation_records": len(validation)}
    if progress:
        progress(0.0, "scoring held-out records")
    report["preference"] = preference_metrics(peft_model, tok, validation, method)
    if base_gguf and adapter_gguf and max_generate > 0:
        records = validation if method != "kto" else [r for r in validation if r["label"]]
        report["edits"] = served_edit_metrics(
            base_gguf, adapter_gguf, records, max_cases=max_generate, threads=threads,
            progress=(lambda i, n: progress(0.2 + 0.8 * i / n, f"generating edits {i}/{n}")) if progress else None)
    report["seconds"] = round(time.perf_counter() - start, 1)
    if out_dir:
        out_dir = Path(out_dir)
        (out_dir / "eval_report.json").write_text(json.dumps(report, indent=2))
        try:
            plot_report(report, log_history or [], out_dir / "eval_plot.png")
            report["plot"] = str(out_dir / "eval_plot.png")
        except Exception as e:  # a missing matplotlib must not lose the report
            report["plot_error"] = str(e)
        (out_dir / "eval_report.json").write_text(json.dumps(report, indent=2))
    return report


def plot_report(report: dict, log_history: list, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    steps = [h["step"] for h in log_history if "loss" in h and "step" in h]
    if steps:
        left.plot(steps, [h["loss"] for h in log_history if "loss" in h and "step" in h], label="loss")
        margins = [h.get("rewards/margins") for h in log_history if "loss" in h and "step" in h]
        if any(m is not None for m in margins):
            left.plot(steps, [m if m is not None else math.nan for m in margins], label="reward margin")
        left.set_xlabel("step")
        left.legend()
    left.set_title(f"{report['method'].upper()} training")
    labels, base, trained = [], [], []
    pref = report.get("preference", {})
    if "logp_accuracy_base" in pref:
        labels.append("pref. acc.")
        base.append(pref["logp_accuracy_base"])
        trained.append(pref["implicit_reward_accuracy"])
    edits = report.get("edits", {})
    for key, label in (("fact_recall", "fact recall"), ("fact_precision", "fact precision"), ("empathy", "empathy"),
                       ("rougeL", "ROUGE-L")):
        if key in edits.get("base", {}) and edits["base"][key] is not None:
            labels.append(label)
            base.append(edits["base"][key])
            trained.append(edits["trained"][key])
    x = range(len(labels))
    right.bar([i - 0.2 for i in x], base, 0.4, label="base")
    right.bar([i + 0.2 for i in x], trained, 0.4, label="trained")
    right.set_xticks(list(x), labels, rotation=20)
    right.set_ylim(0, 1.05)
    right.legend()
    right.set_title("held-out validation")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return path


def load_run(run_dir: str | Path):
    """(run.json dict, tokenizer, PEFT model, validation records) for a finished run folder."""
    from peft import PeftModel

    run_dir = Path(run_dir).expanduser()
    meta_path = run_dir / "run.json"
    if not meta_path.is_file():
        raise InputError(f"{run_dir} is not a training run folder (no run.json)")
    meta = json.loads(meta_path.read_text())
    base = resolve_base(meta["config"].get("base_model"))
    tok, model = load_model(base)
    peft_model = PeftModel.from_pretrained(model, meta["adapter_dir"])
    validation = []
    val_path = run_dir / "validation.jsonl"
    if val_path.is_file():
        validation = read_jsonl(val_path)
    return meta, tok, peft_model, validation
