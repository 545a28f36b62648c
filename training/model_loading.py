"""The default GGUF model as a plain, trainable transformers model, converted once and cached on disk.

transformers loads a GGUF with ``gguf_file=`` and dequantizes it to fp32, but marks the model as GGUF-quantized;
TRL then refuses to train it and ``save_pretrained`` refuses to save it. Rebuilding a model of the same class from
its config (without ``quantization_config``) and its state dict gives an ordinary model with the same weights.
We save that once under ``~/.cache/empathy-editor/plain-models/`` so later runs load safetensors in a second.
"""

from __future__ import annotations

import copy
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from empathy.errors import ModelError
from empathy.files import atomic_path
from empathy.models import EMBEDDED_ID, check_gguf, embedded_model_path


def cache_root() -> Path:
    """Where converted models live; ``EMPATHY_CACHE_DIR`` moves it (tests, shared machines)."""
    root = os.environ.get("EMPATHY_CACHE_DIR")
    return Path(root).expanduser() if root else Path.home() / ".cache" / "empathy-editor"


@dataclass(frozen=True)
class BaseModel:
    """What a training run starts from: a loadable folder, and the GGUF it came from (for llama-cpp export)."""

    id: str  # short name used in run names and the model picker
    folder: Path  # transformers-loadable folder (plain weights + tokenizer)
    gguf: Path | None  # the GGUF base this folder was converted from; None for a Hugging Face folder


def _fingerprint(path: Path) -> str:
    """Cheap identity of a large file: size plus hashes of its first and last megabyte."""
    size = path.stat().st_size
    h = hashlib.sha256(str(size).encode())
    with path.open("rb") as f:
        h.update(f.read(1 << 20))
        f.seek(max(0, size - (1 << 20)))
        h.update(f.read(1 << 20))
    return h.hexdigest()[:12]


def resolve_base(model: str | os.PathLike | None = None) -> BaseModel:
    """Find (converting on first use) the plain model for a GGUF file, a Hugging Face folder, or the default."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
    if model is None:
        path = embedded_model_path()
        model_id = EMBEDDED_ID
    else:
        path = Path(model).expanduser()
        model_id = path.stem if path.is_file() else path.name
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise ModelError(f"{path} is not a Hugging Face model folder (no config.json)")
        return BaseModel(model_id, path, None)
    if not path.exists() and model is not None and "/" in str(model) and not str(model).endswith(".gguf"):
        raise ModelError(
            f"model {model!r} not found locally; training works offline on a local folder or GGUF file "
            "(download it yourself first, e.g. with huggingface-cli, and pass the folder)"
        )
    check_gguf(path)
    folder = cache_root() / "plain-models" / f"{path.stem}-{_fingerprint(path)}"
    if not (folder / "model.safetensors").is_file():
        convert_gguf(path, folder)
    return BaseModel(model_id, folder, path)


def convert_gguf(gguf_path: Path, folder: Path) -> Path:
    """Dequantize ``gguf_path`` with transformers, rebuild it as a plain model, save it atomically to ``folder``."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        tok = AutoTokenizer.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name)
        quantized = AutoModelForCausalLM.from_pretrained(str(gguf_path.parent), gguf_file=gguf_path.name, dtype=torch.float32)
    except Exception as e:
        raise ModelError(f"transformers could not load {gguf_path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    plain = rebuild_plain(quantized)
    with atomic_path(folder) as tmp:  # a half-written folder from an interrupted run is replaced
        plain.save_pretrained(tmp)
        tok.save_pretrained(tmp)
    return folder


def rebuild_plain(model):
    """A model of the same class with the same weights and no quantization marker."""
    config = copy.deepcopy(model.config)
    if hasattr(config, "quantization_config"):
        delattr(config, "quantization_config")
    config._name_or_path = ""
    plain = type(model)(config)
    missing, unexpected = plain.load_state_dict(model.state_dict(), strict=False)
    # Tied output embeddings may be absent from the state dict; anything else missing is a real error.
    missing = [k for k in missing if not (k == "lm_head.weight" and getattr(config, "tie_word_embeddings", False))]
    if missing or unexpected:
        raise ModelError(f"rebuilding the plain model failed: missing {missing[:3]}, unexpected {unexpected[:3]}")
    if getattr(config, "tie_word_embeddings", False):
        plain.tie_weights()
    plain.eval()
    return plain


def load_model(base: BaseModel, *, threads: int | None = 2):
    """(tokenizer, model) from the plain folder, fp32 on the CPU (or wherever accelerate puts it)."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if threads:
        torch.set_num_threads(threads)
    try:
        tok = AutoTokenizer.from_pretrained(str(base.folder))
        model = AutoModelForCausalLM.from_pretrained(str(base.folder), dtype=torch.float32)
    except Exception as e:
        raise ModelError(f"could not load {base.folder}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok, model
