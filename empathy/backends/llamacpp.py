"""llama-cpp-python: quantized GGUF on a laptop CPU; the default backend.

LoRA adapters: ``adapter`` (one the user trained or picked) serves every call; ``task_adapters`` (e.g. the
framing adapter shipped for the embedded model) serve only calls whose ``GenerationOptions.task`` names them.
All are loaded once and switched per call, so one model in memory serves both.
"""

from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path

from ..errors import ModelError
from ..models import EMBEDDED_ID, check_gguf, embedded_model_path
from .base import Backend, GenerationOptions


class LlamaCppBackend(Backend):
    name = "llama-cpp"

    def __init__(self, model: str | None = None, adapter: str | None = None, threads: int | None = None,
                 n_ctx: int = 2048, seed: int = 0, task_adapters: dict[str, Path] | None = None):
        try:
            import llama_cpp
        except ImportError as e:  # pragma: no cover - a core dependency
            raise ModelError(f"llama-cpp-python is not installed: {e}") from None
        self._llama_cpp = llama_cpp
        path = check_gguf(model) if model else embedded_model_path()
        if adapter:
            check_gguf(adapter)
        self.path = str(path)
        self.adapter = adapter
        base_id = EMBEDDED_ID if model is None else os.path.splitext(os.path.basename(self.path))[0]
        self.model_id = base_id + (f"+{os.path.splitext(os.path.basename(adapter))[0]}" if adapter else "")
        self._lock = threading.Lock()  # one llama context: generations must not interleave
        n_threads = threads or max(1, min(os.cpu_count() or 1, 8))
        try:
            self.llm = llama_cpp.Llama(
                model_path=self.path,
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,  # llama-cpp-python defaults this to every core: on a shared 2-core machine
                # prompt evaluation then spin-waited at 2 threads and took 4x longer than at the decode thread count
                seed=seed,
                verbose=False,
            )
        except Exception as e:
            raise ModelError(f"could not load {self.path}: {e}") from None
        self._adapters: dict[str | None, object] = {}  # None: the adapter for every call
        if adapter:
            self._adapters[None] = self._load_adapter(adapter)
        for task, task_path in (task_adapters or {}).items():
            self._adapters[task] = self._load_adapter(str(task_path))
        self.task_adapters = {task: str(p) for task, p in (task_adapters or {}).items()}

    def _load_adapter(self, path: str):
        check_gguf(path)
        handle = self._llama_cpp.llama_adapter_lora_init(self.llm._model.model, path.encode("utf-8"))
        if handle is None:
            raise ModelError(f"could not load the LoRA adapter {path} for {self.path}")
        self.llm._stack.callback(lambda: self._llama_cpp.llama_adapter_lora_free(handle))
        return handle

    def _use_adapters(self, task: str | None) -> None:
        """Enable the every-call adapter and, for a task call, that task's adapter; nothing else."""
        chosen = [a for key, a in self._adapters.items() if key is None or key == task]
        handles = (self._llama_cpp.llama_adapter_lora_p_ctypes * max(1, len(chosen)))(*chosen)
        scales = (ctypes.c_float * max(1, len(chosen)))(*([1.0] * len(chosen)))
        if self._llama_cpp.llama_set_adapters_lora(self.llm._ctx.ctx, handles, len(chosen), scales):
            raise ModelError(f"could not switch the LoRA adapters of {self.path}")

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def stream(self, messages, options=GenerationOptions()):
        with self._lock:
            if self._adapters:
                self._use_adapters(options.task)
            # Evaluate the whole prompt every time: reusing a cached prefix evaluates the last prompt token alone,
            # whose logits differ slightly from a full batch, so the same seed gave a different first answer
            # (and a prefix computed with other adapters would be reused).
            self.llm.reset()
            chunks = self.llm.create_chat_completion(
                messages=messages,
                max_tokens=options.max_tokens,
                temperature=options.temperature,
                top_p=options.top_p,
                seed=options.seed,
                stop=list(options.stop) or None,
                repeat_penalty=options.repeat_penalty,
                stream=True,
            )
            for chunk in chunks:
                delta = chunk["choices"][0].get("delta", {})
                piece = delta.get("content")
                if piece:
                    yield piece
