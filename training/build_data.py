"""Training pairs from a dialogue corpus, as in the knowledge-and-comfort paper (Tsai & Chen): ER and EQ+SR.

* **ER** (empathetic response): the doctor's reply rewritten to be empathetic, keeping the medicine.
* **EQ+SR** (emotional question + soothing response): the patient's question rewritten to express fear, anxiety,
  embarrassment, frustration or distrust, and the reply rewritten to soothe that emotion, keeping the medicine.

The rewrite is *chosen* and the original reply *rejected*. Every rewrite (question and reply) is checked with
``empathy.facts.check_facts`` against its original and dropped if it loses, changes or adds a fact: a preference
pair that teaches the model to drop a dose would be worse than no pair.

Two rewriters: ``model`` asks the configured backend with the paper's prompts; ``template`` wraps the original
reply in emotion-specific soothing sentences that carry no medical content (deterministic, and what a 135M model
can be trusted with). ``auto`` tries the model and falls back to the template when the model's rewrite fails the
fact check. Each record says which rewriter produced it.

The prompt of each pair is the product's edit prompt (patient message + the doctor's reply as the draft), so the
trained model learns to *edit*, which is how the app uses it; ``prompt_style="generate"`` gives the paper's
question-only prompt instead.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from empathy.backends import GenerationOptions
from empathy.errors import InputError
from empathy.facts import check_facts
from empathy.files import read_jsonl, write_jsonl
from empathy.generation import clean_model_text
from empathy.prompts import EQSR_REWRITE, ER_REWRITE, edit_messages, generate_messages

EMOTIONS = ("fear", "anxiety", "embarrassment", "frustration", "distrust")
PATIENT_FIELDS = ("patient", "question", "input", "query", "patient_message", "message")
DOCTOR_FIELDS = ("doctor", "reply", "answer", "output", "response", "draft", "doctor_reply")

# --- the paper's prompts (section 3.1) -----------------------------------------------------------------------

# --- deterministic soothing templates (no medical content, no instructions, no false reassurance) -------------

QUESTION_FRAMES = {
    "fear": ["I'm really scared about this. {q}", "{q} Honestly, I'm frightened.", "This is frightening me. {q}"],
    "anxiety": ["I can't stop worrying about this. {q}", "{q} I keep thinking about it and it's making me anxious.",
                "I've been so anxious lately. {q}"],
    "embarrassment": ["This is a little embarrassing to ask. {q}", "{q} I feel awkward even bringing this up.",
                      "I'm embarrassed to write about this, but here goes. {q}"],
    "frustration": ["I'm getting really frustrated. {q}", "{q} I'm fed up with this dragging on.",
                    "Honestly, this is so frustrating. {q}"],
    "distrust": ["I'm not sure I can trust what I've been told so far. {q}", "{q} I've had answers before that didn't help.",
                 "I want a straight answer this time. {q}"],
}
OPENINGS = {
    "fear": ["I can hear how frightening this has been, and it makes sense to feel scared.",
             "I'm sorry this has been so scary for you; your worry is completely understandable.",
             "It is natural to feel afraid when your body does something unexpected, and I want to help."],
    "anxiety": ["I understand how much this has been weighing on you, and feeling anxious about it makes sense.",
                "Thank you for telling me how worried you are; that worry makes a lot of sense.",
                "I can tell this has been on your mind a lot, and I want to help you feel more settled."],
    "embarrassment": ["Thank you for trusting me with this; there is nothing embarrassing about asking.",
                      "There is nothing awkward about this: it is exactly the kind of question I'm here for.",
                      "I'm glad you asked, and I appreciate you being open with me."],
    "frustration": ["I understand your frustration, and I'm sorry this has dragged on.",
                    "It makes sense that you feel fed up, and I want to make this as clear as I can.",
                    "I'm sorry this has been so frustrating; thank you for your patience with us."],
    "distrust": ["I understand wanting a clear and honest answer, and I'll be as transparent as I can.",
                 "You deserve a straight answer, and I'm glad you asked me directly.",
                 "It's completely reasonable to want to understand the reasoning, so here it is plainly."],
    None: ["Thank you for reaching out, and I'm sorry you're dealing with this.",
           "I'm sorry you're going through this; it sounds really uncomfortable.",
           "Thank you for your message; I can tell this has been hard for you."],
}
CLOSINGS = {
    "fear": ["You don't have to face this alone; I'm here to help you with each step.",
             "I know this is scary, and I'm here with you."],
    "anxiety": ["I hope having a clear plan makes this a little easier.",
                "I know waiting is hard, and I'm here for you."],
    "embarrassment": ["I'm always glad to talk about anything like this with you.",
                      "Thank you again for being open with me."],
    "frustration": ["Thank you for bearing with us; I want to get this right for you.",
                    "I appreciate your patience, and I'm committed to sorting this out with you."],
    "distrust": ["I'm happy to walk you through my reasoning in more detail.",
                 "I want you to feel confident about this plan."],
    None: ["I hope you feel better soon.", "Wishing you a quick recovery."],
}


@dataclass
class Dialogue:
    id: str
    patient: str
    doctor: str


@dataclass
class BuiltPair:
    """One preference pair plus how it was made (kept in the JSONL for auditing)."""

    case_id: str
    kind: str  # "er" or "eqsr"
    emotion: str | None
    patient: str  # the (possibly rewritten) patient message the prompt uses
    original_patient: str
    draft: str  # the doctor's original reply (rejected)
    rewrite: str  # the rewritten reply (chosen)
    rewriter: str  # "model" or "template"
    fact_recall: float
    fact_precision: float
    prompt: list = field(default_factory=list)

    def record(self) -> dict:
        d = asdict(self)
        d.update(chosen=self.rewrite, rejected=self.draft)
        return d


@dataclass
class BuildReport:
    pairs: list[BuiltPair]
    dialogues: int
    dropped: dict  # reason -> count
    rewriters: dict  # rewriter -> count

    def summary(self) -> dict:
        kinds: dict[str, int] = {}
        for p in self.pairs:
            kinds[p.kind] = kinds.get(p.kind, 0) + 1
        return {"dialogues": self.dialogues, "pairs": len(self.pairs), "by_kind": kinds, "dropped": self.dropped,
                "rewriters": self.rewriters}


# --- reading a corpus -----------------------------------------------------------------------------------------

def read_corpus(source: str, *, patient_field: str | None = None, doctor_field: str | None = None,
                split: str = "train", limit: int | None = None) -> list[Dialogue]:
    """Dialogues from a local .json / .jsonl / .csv file, or a ``datasets`` source (``hf:NAME`` or a dataset folder)."""
    path = Path(source).expanduser()
    if path.is_file():
        rows = _read_file(path)
    elif source.startswith("hf:") or path.is_dir():
        rows = _read_datasets(source[3:] if source.startswith("hf:") else str(path), split)
    else:
        raise InputError(f"no such corpus file: {source} (give a .json, .jsonl or .csv file, or hf:NAME for a datasets source)")
    if not rows:
        raise InputError(f"{source} has no rows")
    pf = patient_field or _find_field(rows[0], PATIENT_FIELDS, "patient", source)
    df = doctor_field or _find_field(rows[0], DOCTOR_FIELDS, "doctor", source)
    out, seen = [], set()
    for i, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            raise InputError(f"{source} row {i} is not an object")
        patient, doctor = row.get(pf), row.get(df)
        if not isinstance(patient, str) or not isinstance(doctor, str) or not patient.strip() or not doctor.strip():
            raise InputError(f"{source} row {i}: '{pf}' and '{df}' must be non-empty text")
        key = (patient.strip(), doctor.strip())
        if key in seen:
            continue  # duplicate dialogue
        seen.add(key)
        out.append(Dialogue(str(row.get("id", i)), " ".join(patient.split()), " ".join(doctor.split())))
        if limit and len(out) >= limit:
            break
    return out


def _find_field(row, candidates, what, source) -> str:
    if isinstance(row, dict):
        for name in candidates:
            if name in row:
                return name
    keys = ", ".join(row) if isinstance(row, dict) else type(row).__name__
    raise InputError(f"{source}: no {what} field (looked for {', '.join(candidates)}; found {keys}); "
                     f"name it with --{what}-field")


def _read_file(path: Path) -> list:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not valid UTF-8") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return list(csv.DictReader(io.StringIO(text)))
    if suffix == ".jsonl":
        return read_jsonl(path)
    if suffix == ".json":
        try:
            data = json.loads(text)
        except ValueError as e:
            raise InputError(f"{path} is not valid JSON: {e}") from None
        if isinstance(data, dict):
            data = next((v for v in data.values() if isinstance(v, list)), None)
        if not isinstance(data, list):
            raise InputError(f"{path}: expected a list of dialogues (or an object holding one)")
        return data
    raise InputError(f"{path}: unsupported corpus format {suffix!r}; use .json, .jsonl or .csv")


def _read_datasets(name: str, split: str) -> list:
    try:
        from datasets import load_dataset, load_from_disk
    except ImportError:
        raise InputError("reading a datasets source needs the datasets package (pip install 'empathy-editor[train]')") from None
    try:
        if Path(name).is_dir() and (Path(name) / "dataset_info.json").exists() or (Path(name) / "state.json").exists():
            ds = load_from_disk(name)
            ds = ds[split] if hasattr(ds, "keys") and split in ds else ds
        else:
            ds = load_dataset(name, split=split)
    except Exception as e:
        raise InputError(f"could not load dataset {name!r} (offline: only local or cached datasets): "
                         f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    return [dict(r) for r in ds]


# --- rewriting ------------------------------------------------------------------------------------------------

def _pick(options: list[str], *key) -> str:
    h = int(hashlib.sha256("\x00".join(map(str, key)).encode()).hexdigest(), 16)
    return options[h % len(options)]


def template_question(question: str, emotion: str, key: str) -> str:
    q = question.strip()
    return _pick(QUESTION_FRAMES[emotion], key, "q").format(q=q)


def template_reply(reply: str, emotion: str | None, key: str) -> str:
    return f"{_pick(OPENINGS[emotion], key, 'o')} {reply.strip()} {_pick(CLOSINGS[emotion], key, 'c')}"


def model_rewrite(backend, dialogue: Dialogue, kind: str, emotion: str | None, seed: int = 0) -> tuple[str, str] | None:
    """(question, reply) rewritten by the backend with the paper's prompts; None when the answer cannot be parsed."""
    user = f"Patient: {dialogue.patient}\nDoctor: {dialogue.doctor}"
    options = GenerationOptions(max_tokens=min(600, 80 + len(dialogue.doctor) // 2 + len(dialogue.patient) // 3),
                                temperature=0.3, seed=seed)
    if kind == "er":
        text = backend.complete(ER_REWRITE.messages(dialogue=user), options).text
        reply = clean_model_text(text.split("Doctor:", 1)[-1])
        return (dialogue.patient, reply) if reply else None
    text = backend.complete(EQSR_REWRITE.messages(dialogue=user, emotion=emotion), options).text
    if "Doctor:" not in text:
        return None
    q, r = text.split("Doctor:", 1)
    q = clean_model_text(q.replace("Patient:", "", 1))
    r = clean_model_text(r)
    return (q, r) if q and r else None


def keeps_facts(report, min_recall: float = 1.0, min_precision: float = 1.0) -> bool:
    return report.recall >= min_recall and report.precision >= min_precision and not report.changed


def build_pairs(dialogues: list[Dialogue], *, mode: str = "split", rewriter: str = "auto", backend=None,
                level: int = 2, prompt: str = "refined", prompt_style: str = "edit", seed: int = 0,
                min_recall: float = 1.0, min_precision: float = 1.0, check: Callable | None = None,
                progress: Callable[[int, int], None] | None = None) -> BuildReport:
    """ER and/or EQ+SR pairs from ``dialogues``.

    ``mode``: ``split`` (the paper: half the dialogues ER, half EQ+SR), ``er``, ``eqsr``, or ``both`` (each dialogue
    gives one ER and one EQ+SR pair). ``check`` replaces ``empathy.facts.check_facts`` (tests only).
    """
    if mode not in ("split", "er", "eqsr", "both"):
        raise InputError(f"unknown mode {mode!r}; use split, er, eqsr or both")
    if rewriter not in ("auto", "model", "template"):
        raise InputError(f"unknown rewriter {rewriter!r}; use auto, model or template")
    if prompt_style not in ("edit", "generate"):
        raise InputError(f"unknown prompt style {prompt_style!r}; use edit or generate")
    if rewriter in ("auto", "model") and backend is None:
        raise InputError("the model rewriter needs a backend")
    if not dialogues:
        raise InputError("the corpus has no dialogues")
    check = check or check_facts
    rng = random.Random(seed)
    jobs: list[tuple[Dialogue, str, str | None]] = []
    for i, d in enumerate(dialogues):
        kinds = {"split": ["er" if i % 2 == 0 else "eqsr"], "er": ["er"], "eqsr": ["eqsr"], "both": ["er", "eqsr"]}[mode]
        for kind in kinds:
            jobs.append((d, kind, rng.choice(EMOTIONS) if kind == "eqsr" else None))
    pairs, dropped, used = [], {}, {}

    def drop(reason):
        dropped[reason] = dropped.get(reason, 0) + 1

    for n, (d, kind, emotion) in enumerate(jobs, 1):
        key = f"{d.id}:{kind}"
        candidates = []
        if rewriter in ("auto", "model"):
            try:
                got = model_rewrite(backend, d, kind, emotion, seed)
            except Exception as e:  # a model failure drops this rewrite, not the run
                got = None
                drop(f"model_error:{type(e).__name__}")
            if got is None:
                drop("model_unparsable")
            else:
                candidates.append(("model", got))
        if rewriter in ("auto", "template"):
            q = template_question(d.patient, emotion, key) if kind == "eqsr" else d.patient
            candidates.append(("template", (q, template_reply(d.doctor, emotion, key))))
        for name, (question, reply) in candidates:
            if reply.strip() == d.doctor.strip():
                drop(f"{name}_unchanged")
                continue
            reply_report = check(d.doctor, reply)
            if not keeps_facts(reply_report, min_recall, min_precision):
                drop(f"{name}_reply_lost_facts")
                continue
            if kind == "eqsr" and question != d.patient:
                if not keeps_facts(check(d.patient, question), min_recall, 0.0):
                    drop(f"{name}_question_lost_facts")
                    continue
            messages = edit_messages(question, d.doctor, level, prompt) if prompt_style == "edit" else generate_messages(question, level)
            pairs.append(BuiltPair(d.id, kind, emotion, question, d.patient, d.doctor, reply, name,
                                   round(reply_report.recall, 4), round(reply_report.precision, 4), messages))
            used[name] = used.get(name, 0) + 1
            break
        if progress:
            progress(n, len(jobs))
    return BuildReport(pairs, len(dialogues), dropped, used)


def write_pairs(pairs: Iterable[BuiltPair], path: str | Path) -> Path:
    return write_jsonl((p.record() for p in pairs), path)


def add_to_store(pairs: Iterable[BuiltPair], store, *, annotator: str = "build-data", level: int = 2) -> int:
    """Each pair as a case (patient + original draft), two replies and an "a better" judgment."""
    n = 0
    for p in pairs:
        case_id = store.add_case(p.patient, p.draft, source=f"build-data:{p.kind}",
                                 meta={"corpus_id": p.case_id, "emotion": p.emotion, "rewriter": p.rewriter})
        original = store.add_reply(case_id, p.draft, kind="original", model="corpus", prompt="original", level=None)
        rewrite = store.add_reply(case_id, p.rewrite, kind="edit", model=f"build-data:{p.rewriter}",
                                  prompt=f"build-data-{p.kind}", level=level,
                                  fact_report={"recall": p.fact_recall, "precision": p.fact_precision})
        store.add_judgment(annotator, rewrite, original, "a", "overall")
        n += 1
    return n
