"""GGUF LoRA export: llama-cpp must apply the adapter exactly as PEFT does (orientation, q/k row order, scale)."""

import contextlib

import numpy as np
import pytest

pytestmark = pytest.mark.train


@pytest.fixture(scope="module")
def base_and_model():
    torch = pytest.importorskip("torch")
    pytest.importorskip("peft")
    from training.model_loading import load_model, resolve_base

    base = resolve_base()
    tok, model = load_model(base)
    torch.manual_seed(0)
    return base, tok, model


def _hf_logprobs(model, prompt_ids, completion_ids):
    import torch

    ids = torch.tensor([prompt_ids + completion_ids])
    with torch.no_grad():
        logp = torch.log_softmax(model(ids).logits[0].double(), -1)
    n = len(prompt_ids)
    return logp[n - 1 : -1].gather(1, torch.tensor(completion_ids)[:, None])[:, 0].numpy()


@contextlib.contextmanager
def _random_lora(model, targets: list[str], scale: float):
    """A random LoRA on the top four layers, scaled so that it changes the model clearly; unloaded afterwards so the
    shared base model is left as it was."""
    import torch
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(r=8, lora_alpha=16, target_modules=targets, init_lora_weights=False,
                        layers_to_transform=[26, 27, 28, 29])
    peft_model = get_peft_model(model, config)
    try:
        with torch.no_grad():
            for name, p in peft_model.named_parameters():
                if "lora_" in name:
                    p.mul_(scale)
        yield peft_model
    finally:
        peft_model.unload()


def test_rebuilt_model_is_plain_and_matches_gguf_config(base_and_model):
    base, tok, model = base_and_model
    assert base.gguf is not None and base.gguf.suffix == ".gguf"
    assert getattr(model.config, "quantization_config", None) is None
    assert not getattr(model, "is_quantized", False)
    assert model.config.num_hidden_layers == 30 and tok.pad_token is not None


def test_gguf_adapter_logprobs_agree_with_peft(base_and_model, tmp_path):
    """A random, clearly non-zero LoRA on q/k/v/o/up/down: the change it makes to every token's log-prob must be
    the same in llama-cpp as in PEFT. A transposed A/B fails to load, a wrong scale or a missing q/k permutation
    moves the deltas by several nats (measured: per-token error 4.8 without the permutation, 0.33 with it)."""

    from empathy.models import gguf_type
    from training.export_gguf import export_lora_gguf, llama_token_logprobs, open_llama

    base, tok, model = base_and_model
    messages = [{"role": "system", "content": "You are a physician's writing assistant."},
                {"role": "user", "content": "My knee hurts after running. What should I do?"}]
    prompt_ids = list(tok.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"])
    completion_ids = tok("Rest the knee, use ice for 20 minutes twice a day, and take ibuprofen 400 mg if needed.<|im_end|>",
                         add_special_tokens=False)["input_ids"]
    base_lp = _hf_logprobs(model, prompt_ids, completion_ids)
    with _random_lora(model, ["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"], 2.0) as peft_model:
        peft_lp = _hf_logprobs(peft_model, prompt_ids, completion_ids)
        report = export_lora_gguf(peft_model, base.gguf, tmp_path / "adapter.gguf")
    assert report.tensors == 2 * 6 * 4 and report.rank == 8
    assert gguf_type(tmp_path / "adapter.gguf") == "adapter"

    plain = open_llama(base.gguf)
    adapted = open_llama(base.gguf, tmp_path / "adapter.gguf")
    try:
        l0 = llama_token_logprobs(plain, prompt_ids, completion_ids)
        l1 = llama_token_logprobs(adapted, prompt_ids, completion_ids)
    finally:
        plain.close()
        adapted.close()
    peft_delta, llama_delta = peft_lp - base_lp, l1 - l0
    assert abs(peft_delta.sum()) > 10, "the test adapter must change the model clearly"
    # Q4_1 in llama-cpp against dequantized fp32 in torch: about 0.25 nats per token apart before any adapter.
    assert np.abs(base_lp - l0).max() < 0.6
    assert np.abs(peft_lp - l1).max() < 1.0
    assert np.corrcoef(peft_delta, llama_delta)[0, 1] > 0.99
    assert abs(llama_delta.sum() - peft_delta.sum()) < 0.1 * abs(peft_delta.sum())


def test_task_adapter_serves_only_its_task(base_and_model, tmp_path):
    """A task adapter (the shipped framing adapter, say) changes the calls of its task and no other: one model in
    memory, adapters switched per call."""

    from empathy.backends import GenerationOptions
    from empathy.backends.llamacpp import LlamaCppBackend
    from training.export_gguf import export_lora_gguf

    base, tok, model = base_and_model
    with _random_lora(model, ["q_proj", "v_proj", "up_proj", "down_proj"], 3.0) as peft_model:
        export_lora_gguf(peft_model, base.gguf, tmp_path / "framing.gguf")
    messages = [{"role": "user", "content": "Name three colours."}]
    greedy = GenerationOptions(max_tokens=24, temperature=0.0, seed=0)
    plain = LlamaCppBackend(threads=1).complete(messages, greedy).text
    both = LlamaCppBackend(threads=1, task_adapters={"framing": tmp_path / "framing.gguf"})
    assert both.complete(messages, greedy).text == plain  # other calls: the base model, exactly
    framed = both.complete(messages, GenerationOptions(max_tokens=24, temperature=0.0, seed=0, task="framing")).text
    assert framed != plain
    assert both.complete(messages, greedy).text == plain  # and switched back


def test_stacked_lora_is_the_sum_of_its_parts():
    """SFT then DPO ships as one adapter: stacking must give exactly the sum of the scaled updates, and the writer's
    llama.cpp scale (alpha / stacked rank) is folded back into B."""
    from training.export_gguf import stack_lora

    rng = np.random.default_rng(0)
    name = "model.layers.29.self_attn.q_proj.weight"
    a1, b1 = rng.normal(size=(8, 16)), rng.normal(size=(12, 8))
    a2, b2 = rng.normal(size=(4, 16)), rng.normal(size=(12, 4))
    [(hf_name, a, b, scaling)] = stack_lora([(name, a1, b1, 2.0)], [(name, a2, b2, 0.5)])
    assert hf_name == name and a.shape == (12, 16)
    assert b.shape == (12, 12) and scaling == 1.0
    np.testing.assert_allclose(b @ a, 2.0 * b1 @ a1 + 0.5 * b2 @ a2, rtol=1e-10, atol=1e-10)
