"""Write a trained PEFT LoRA as a GGUF adapter that llama-cpp loads next to its base GGUF.

llama.cpp applies ``y = W x + (alpha / r) * B (A x)`` per tensor, with one ``adapter.lora.alpha`` for the file and
``r`` read from each A tensor. PEFT's ``lora_A.weight`` is (r, in) and ``lora_B.weight`` is (out, r); written as
numpy arrays in that orientation, GGUF's reversed dimension order gives exactly the shapes llama.cpp checks
(``a->ne = [in, r]``, ``b->ne = [r, out]``). Two details make or break agreement with the PEFT model:

* Llama GGUFs store q/k projections with their output rows permuted for llama.cpp's rotary layout
  (``convert_hf_to_gguf`` ``LlamaModel.permute``); transformers un-permutes them on load, so the B matrices of
  q/k adapters must be permuted the same way on export.
* PEFT's per-module scaling (``lora_alpha / r``, or ``/ sqrt(r)`` with rsLoRA) is folded into B whenever it differs
  from llama.cpp's ``alpha / r``.

``tests/test_training_export.py`` checks orientation and scale against the PEFT model's own log-probs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from empathy.errors import ModelError
from empathy.files import atomic_path


@dataclass
class ExportReport:
    path: str
    tensors: int
    alpha: float
    rank: int
    modules: list[str]


def gguf_architecture(gguf_path: str | Path) -> str:
    from gguf import GGUFReader

    reader = GGUFReader(str(gguf_path))
    field = reader.fields.get("general.architecture")
    if field is None:
        raise ModelError(f"{gguf_path} has no general.architecture")
    return bytes(field.parts[field.data[0]]).decode()


def permute_rows(weights, n_head: int, n_head_kv: int | None = None):
    """llama.cpp's rotary row order for q/k (same as ``convert_hf_to_gguf.LlamaModel.permute``)."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return (
        weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
        .swapaxes(1, 2)
        .reshape(weights.shape)
    )


_ROPE_PERMUTED_ARCHS = {"llama"}  # architectures whose converter permutes q/k rows


def lora_tensors(peft_model, adapter_name: str = "default") -> list[tuple[str, object, object, float]]:
    """(hf weight name, A (r, in), B (out, r), scaling) for every LoRA module of the adapter."""
    out = []
    for name, module in peft_model.named_modules():
        lora_a = getattr(module, "lora_A", None)
        if lora_a is None or adapter_name not in lora_a:
            continue
        hf_name = re.sub(r"^(base_model\.model\.)", "", name) + ".weight"
        a = module.lora_A[adapter_name].weight.detach().float().cpu().numpy()
        b = module.lora_B[adapter_name].weight.detach().float().cpu().numpy()
        out.append((hf_name, a, b, float(module.scaling[adapter_name])))
    if not out:
        raise ModelError("the model has no LoRA modules to export")
    return out


def export_lora_gguf(peft_model, base_gguf: str | Path, out_path: str | Path, *, adapter_name: str = "default",
                     name: str = "empathy-lora") -> ExportReport:
    """Write ``out_path`` (a GGUF adapter for ``base_gguf``); returns what was written."""
    config = peft_model.config if hasattr(peft_model, "config") else peft_model.base_model.config
    alpha = float(peft_model.peft_config[adapter_name].lora_alpha)
    return write_lora_gguf(lora_tensors(peft_model, adapter_name), config, base_gguf, out_path, alpha=alpha, name=name)


def stack_lora(*parts: list[tuple[str, object, object, float]]) -> list[tuple[str, object, object, float]]:
    """One LoRA equal to the sum of several (each part from ``lora_tensors``): per weight, A stacked by rows and B by
    columns with each part's scaling folded in, so ``B A x`` is the sum of the parts' updates. A DPO LoRA trained on
    top of a merged SFT LoRA ships this way as one adapter file."""
    by_name: dict[str, list[tuple[object, object]]] = {}
    for part in parts:
        for hf_name, a, b, scaling in part:
            by_name.setdefault(hf_name, []).append((a, b * scaling))
    return [(hf_name, np.concatenate([a for a, _ in ab], axis=0), np.concatenate([b for _, b in ab], axis=1), 1.0)
            for hf_name, ab in by_name.items()]


def write_lora_gguf(tensors: list[tuple[str, object, object, float]], config, base_gguf: str | Path, out_path: str | Path,
                    *, alpha: float, name: str = "empathy-lora") -> ExportReport:
    """Write (hf weight name, A, B, scaling) tensors as a GGUF adapter for ``base_gguf`` (``config``: the HF config)."""
    import gguf

    arch_name = gguf_architecture(base_gguf)
    arch = {v: k for k, v in gguf.MODEL_ARCH_NAMES.items()}.get(arch_name)
    if arch is None:
        raise ModelError(f"gguf does not know architecture {arch_name!r}")
    n_layers = config.num_hidden_layers
    n_head = config.num_attention_heads
    n_head_kv = getattr(config, "num_key_value_heads", None) or n_head
    name_map = gguf.get_tensor_name_map(arch, n_layers)
    alpha = float(alpha)
    out_path = Path(out_path)
    with atomic_path(out_path) as tmp:
        writer = gguf.GGUFWriter(str(tmp), arch_name)
        writer.add_type(gguf.GGUFType.ADAPTER)
        writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
        writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, alpha)
        writer.add_name(name)
        modules = []
        ranks = set()
        for hf_name, a, b, scaling in tensors:
            gguf_name = name_map.get_name(hf_name, try_suffixes=(".weight",))
            if gguf_name is None:
                raise ModelError(f"no GGUF tensor name for {hf_name}; cannot export this adapter for llama-cpp")
            rank = a.shape[0]
            ranks.add(rank)
            llama_scale = alpha / rank
            if abs(scaling - llama_scale) > 1e-9 * max(1.0, abs(scaling)):
                b = b * (scaling / llama_scale)
            if arch_name in _ROPE_PERMUTED_ARCHS:
                if hf_name.endswith("q_proj.weight"):
                    b = permute_rows(b, n_head, n_head)
                elif hf_name.endswith("k_proj.weight"):
                    b = permute_rows(b, n_head, n_head_kv)
            writer.add_tensor(gguf_name + ".lora_a", np.ascontiguousarray(a, dtype=np.float32))
            writer.add_tensor(gguf_name + ".lora_b", np.ascontiguousarray(b, dtype=np.float32))
            modules.append(gguf_name)
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
        writer.close()
    return ExportReport(str(out_path), 2 * len(tensors), alpha, max(ranks), modules)


# ---- llama-cpp side: log-probs of a completion, for agreement checks and evaluation ----------------------------

def open_llama(base_gguf: str | Path, adapter: str | Path | None = None, *, n_ctx: int = 1024, threads: int = 2):
    """A llama-cpp model that keeps logits for every position (needed for log-probs)."""
    from llama_cpp import Llama

    try:
        return Llama(model_path=str(base_gguf), lora_path=str(adapter) if adapter else None, n_ctx=n_ctx,
                     n_threads=threads, n_batch=512, logits_all=True, verbose=False)
    except Exception as e:
        raise ModelError(f"llama-cpp could not load {base_gguf}{' with ' + str(adapter) if adapter else ''}: {e}") from None


def llama_token_logprobs(llm, prompt_ids: list[int], completion_ids: list[int]):
    """Per-token log-probs of ``completion_ids`` after ``prompt_ids`` (numpy float64 array)."""
    ids = list(prompt_ids) + list(completion_ids)
    llm.reset()
    llm.eval(ids)
    logits = np.asarray(llm.scores[: len(ids)], dtype=np.float64)
    rows = logits[len(prompt_ids) - 1 : len(ids) - 1]
    rows = rows - rows.max(axis=1, keepdims=True)
    logz = np.log(np.exp(rows).sum(axis=1))
    return rows[np.arange(len(completion_ids)), completion_ids] - logz
