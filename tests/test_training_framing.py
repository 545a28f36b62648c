"""The shipped framing adapter (empathy/data/adapters/framing.gguf, built by ``python -m training.framing_adapter``):
loaded by default for the embedded model, off with EMPATHY_TASK_ADAPTERS=none, and serving framing calls only.
Plus the adapter's data builders, without a model."""

from pathlib import Path

import pytest

from empathy.backends import GenerationOptions
from empathy.config import Settings
from empathy.models import ADAPTERS_DIR, gguf_type, shipped_task_adapters, task_adapters

PATIENT = ("Doctor, I have had a burning pain in my stomach for two weeks and I am scared it is something serious. "
           "What could be causing it?")


def test_framing_adapter_is_shipped_small_and_an_adapter():
    path = shipped_task_adapters().get("framing")
    assert path == ADAPTERS_DIR / "framing.gguf" and path.is_file()
    assert 0.5 * 2**20 < path.stat().st_size < 12 * 2**20  # a few MB in the package
    assert gguf_type(path) == "adapter"
    assert task_adapters("", None) == {"framing": path}  # the embedded model gets it by default
    assert task_adapters("none", None) == {}  # EMPATHY_TASK_ADAPTERS=none
    assert task_adapters("", "/some/other.gguf") == {}  # never for a model it was not trained on


@pytest.mark.model
def test_shipped_adapter_loads_by_default_and_changes_framing_calls_only(monkeypatch):
    from empathy.backends import clear_backends, get_backend
    from empathy.generation.framing import first_framing_sentence
    from empathy.prompts import framing_messages

    monkeypatch.delenv("EMPATHY_TASK_ADAPTERS", raising=False)
    clear_backends()
    default = get_backend(Settings.from_env(backend="llama-cpp", threads=1))
    monkeypatch.setenv("EMPATHY_TASK_ADAPTERS", "none")
    off = get_backend(Settings.from_env(backend="llama-cpp", threads=1))
    assert set(default.task_adapters) == {"framing"} and Path(default.task_adapters["framing"]).name == "framing.gguf"
    assert off.task_adapters == {}

    greedy = GenerationOptions(max_tokens=30, temperature=0.0, seed=0)
    framing = GenerationOptions(max_tokens=30, temperature=0.0, seed=0, task="framing")
    other = [{"role": "user", "content": "Explain in one sentence what a fever is."}]
    assert default.complete(other, greedy).text == off.complete(other, greedy).text  # other calls: the base model
    prompt = framing_messages(PATIENT, "open", "burning stomach pain for two weeks", "fear")
    with_adapter = default.complete(prompt, framing).text
    assert with_adapter != off.complete(prompt, framing).text  # framing calls: the adapter
    assert first_framing_sentence(with_adapter)  # a sentence, not an empty or broken reply
    assert default.complete(other, greedy).text == off.complete(other, greedy).text  # and switched back
    clear_backends()


def test_targets_pass_the_products_checks_and_vary():
    pytest.importorskip("sentence_transformers")
    from empathy.generation.concern import extract_concern
    from training import framing_data as fd

    drafts = [fd.Draft("a", PATIENT, "This may be gastritis. Take omeprazole 20 mg daily and book an endoscopy."),
              fd.Draft("b", "Doctor, my son has had a cough and fever for three days. Should I worry?",
                       "It is probably a viral infection. Give paracetamol and fluids.")]
    targets, stats = fd.build_targets(drafts, epitome=["I'm sorry you're going through this."])
    assert stats["targets"] == len(targets) == 6  # one per draft and slot
    assert {t.slot for t in targets} == set(fd.SLOTS)
    by_id = {d.id: d for d in drafts}
    for t in targets:
        d = by_id[t.case_id]
        assert fd.accepted([t.text], d, extract_concern(d.patient)) == [True], t
    assert len({t.text for t in targets}) == len(targets)
    records = fd.sft_records(targets, by_id)
    assert records[0]["prompt"][0]["role"] == "system" and records[0]["completion"] == targets[0].text
