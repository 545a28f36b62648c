"""End to end on the CPU with the real embedded model: judgments in a SQLite store -> DPO and KTO runs of a few
steps -> GGUF adapters -> llama-cpp loads them, agrees with PEFT and moves in the trained direction -> the app's
model picker lists them. Bad data changes nothing."""

import json
from pathlib import Path

import pytest

from empathy.config import Settings
from empathy.errors import InputError

pytestmark = pytest.mark.train
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    pytest.importorskip("trl")
    from empathy.store import Store
    from training.build_data import add_to_store, build_pairs, read_corpus

    root = tmp_path_factory.mktemp("retrain")
    settings = Settings(db=str(root / "empathy.db"), models_dir=str(root / "models"), threads=2)
    store = Store(settings.db)
    report = build_pairs(read_corpus(str(DATA / "train_dialogues.jsonl")), mode="both", rewriter="template")
    add_to_store(report.pairs, store)
    # thumbs up / down for KTO: the soothing rewrite up, the original reply down
    for row in store.query("select id, kind from replies"):
        store.add_rating("rater", row["id"], 1 if row["kind"] == "edit" else -1)
    return settings, store


def _llama_sum(base_gguf, adapter, pairs):
    from training.export_gguf import llama_token_logprobs, open_llama

    llm = open_llama(base_gguf, adapter, n_ctx=1024)
    try:
        return [float(llama_token_logprobs(llm, p, c).sum()) for p, c in pairs]
    finally:
        llm.close()


def test_dpo_run_exports_an_adapter_llama_cpp_agrees_with(workspace):
    from empathy.models import list_models
    from training.evaluate import sequence_logprobs, tokenize_pair
    from training.pipeline import run_training
    from training.trainers import DPOTrainConfig

    settings, store = workspace
    config = DPOTrainConfig(max_steps=3, batch_size=4, learning_rate=2e-3, lora_layers=4, validation_fraction=0.25,
                            run_name="dpo-e2e", save_steps=2)
    result = run_training("dpo", config, settings=settings, store=store, evaluate=True, max_generate=2)
    assert result.steps == 3 and Path(result.gguf_adapter).is_file()
    assert result.prefix_cache["hits"] > 0  # training steps ran only the LoRA layers
    assert (Path(result.output_dir) / "checkpoint-2").is_dir()  # checkpoints for --resume

    # llama-cpp against PEFT on a training pair, and both against the base
    trainer = result._trainer
    record = store.dpo_records()[0]
    tok = trainer.processing_class
    pairs = [tokenize_pair(tok, record["prompt"], record["chosen"]), tokenize_pair(tok, record["prompt"], record["rejected"])]
    peft = [s for s, _ in sequence_logprobs(trainer.model, pairs)]
    with trainer.model.disable_adapter():
        peft_base = [s for s, _ in sequence_logprobs(trainer.model, pairs)]
    llama = _llama_sum(result.base_gguf, result.gguf_adapter, pairs)
    llama_base = _llama_sum(result.base_gguf, None, pairs)
    for (p, c), a, b in zip(pairs, peft, llama):
        assert abs(a - b) < 0.1 * len(c), (a, b)  # Q4_1 against fp32: under 0.1 nats per token on average
    peft_delta = [a - b for a, b in zip(peft, peft_base)]
    llama_delta = [a - b for a, b in zip(llama, llama_base)]
    for d_peft, d_llama in zip(peft_delta, llama_delta):
        assert abs(d_llama - d_peft) < 0.3 * abs(d_peft) + 0.5, (peft_delta, llama_delta)
    assert peft_delta[0] - peft_delta[1] > 0.5  # the trained direction: chosen up relative to rejected
    assert llama_delta[0] - llama_delta[1] > 0.5

    # registered in the store, listed by the model picker, evaluated with a report and a plot
    runs = store.training_runs()
    assert runs[-1]["status"] == "done" and runs[-1]["adapter_path"] == result.gguf_adapter
    assert any(m.adapter == result.gguf_adapter for m in list_models(settings.models_dir))
    assert store.models()[-1]["adapter"] == result.gguf_adapter
    report = json.loads((Path(result.output_dir) / "eval_report.json").read_text())
    assert report["preference"]["pairs"] >= 1 and 0 <= report["preference"]["implicit_reward_accuracy"] <= 1
    assert report["edits"]["cases"] == 2 and "fact_recall" in report["edits"]["trained"]
    assert (Path(result.output_dir) / "eval_plot.png").stat().st_size > 1000
    assert runs[-1]["metrics"]["eval"]["preference"] == report["preference"]


def test_kto_run_from_ratings_loads_in_llama_cpp(workspace):
    from empathy.models import gguf_type
    from training.export_gguf import open_llama
    from training.pipeline import run_training
    from training.trainers import KTOTrainConfig

    settings, store = workspace
    config = KTOTrainConfig(max_steps=2, batch_size=4, learning_rate=2e-3, lora_layers=2, run_name="kto-e2e")
    result = run_training("kto", config, settings=settings, store=store, evaluate=False)
    assert result.steps == 2 and gguf_type(result.gguf_adapter) == "adapter"
    open_llama(result.base_gguf, result.gguf_adapter).close()
    assert store.training_runs()[-1]["method"] == "kto"


def test_sft_run_from_accepted_edits_learns_the_clinicians_text(workspace):
    """Accepted edits -> SFT -> GGUF adapter: llama-cpp gives the accepted text more probability than the base does."""
    from training.evaluate import tokenize_pair
    from training.pipeline import run_training
    from training.trainers import SFTTrainConfig

    settings, store = workspace
    for row in store.query("select id, case_id, text from replies where kind = 'edit'"):
        store.add_accepted_edit("clinician", row["case_id"], row["id"], row["text"] + " Write back any time.")
    config = SFTTrainConfig(max_steps=4, batch_size=4, learning_rate=2e-3, lora_layers=2, run_name="sft-e2e")
    result = run_training("sft", config, settings=settings, store=store, evaluate=False)
    assert result.steps == 4 and Path(result.gguf_adapter).is_file()
    assert store.training_runs()[-1]["method"] == "sft" and store.training_runs()[-1]["status"] == "done"

    record = store.sft_records()[0]
    pair = tokenize_pair(result._trainer.processing_class, record["prompt"], record["completion"])
    trained, = _llama_sum(result.base_gguf, result.gguf_adapter, [pair])
    base, = _llama_sum(result.base_gguf, None, [pair])
    assert trained - base > 1.0, (trained, base)  # the demonstration got likelier, served by llama-cpp


def test_bad_data_changes_nothing(tmp_path):
    from empathy.store import Store
    from training.pipeline import run_training
    from training.trainers import DPOTrainConfig

    settings = Settings(db=str(tmp_path / "e.db"), models_dir=str(tmp_path / "models"))
    store = Store(settings.db)
    with pytest.raises(InputError, match="no DPO data"):
        run_training("dpo", DPOTrainConfig(max_steps=1), settings=settings, store=store)
    case = store.add_case("My head hurts.", "Take 5 mg.")
    a = store.add_reply(case, "Take 5 mg.", kind="original", model="m", prompt="p", level=None)
    b = store.add_reply(case, "Sorry. Take 5 mg.", kind="edit", model="m", prompt="p", level=1)
    store.add_judgment("ann", a, b, "tie")
    with pytest.raises(InputError, match="ties"):
        run_training("dpo", DPOTrainConfig(max_steps=1), settings=settings, store=store)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"case_id": 1, "prompt": [{"role": "user", "content": "x"}], "chosen": "a"}\n')
    with pytest.raises(InputError, match="'rejected' must be non-empty"):
        run_training("dpo", DPOTrainConfig(max_steps=1), settings=settings, data=str(bad))
    bad.write_text("not json\n")
    with pytest.raises(InputError, match="not valid JSON"):
        run_training("dpo", DPOTrainConfig(max_steps=1), settings=settings, data=str(bad))
    assert store.training_runs() == [] and not Path(settings.models_dir).exists()
