"""llama-cpp-python: quantized GGUF on a laptop CPU; the default backend."""

from __future__ import annotations

import os
import threading

from ..errors import ModelError
from ..models import EMBEDDED_ID, check_gguf, embedded_model_path
from .base import Backend, GenerationOptions


class LlamaCppBackend(Backend):
    name = "llama-cpp"

    def __init__(self, model: str | None = None, adapter: str | None = None, threads: int | None = None, n_ctx: int = 2048, seed: int = 0):
        try:
            from llama_cpp import Llama
        except ImportError as e:  # pragma: no cover - a core dependency
            raise ModelError(f"llama-cpp-python is not installed: {e}") from None
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
            self.llm = Llama(
                model_path=self.path,
                lora_path=adapter,
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,  # llama-cpp-python defaults this to every core: on a shared 2-core machine
                # prompt evaluation then spin-waited at 2 threads and took 4x longer than at the decode thread count
                seed=seed,
                verbose=False,
            )
        except Exception as e:
            raise ModelError(f"could not load {self.path}{' with adapter ' + adapter if adapter else ''}: {e}") from None

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def stream(self, messages, options=GenerationOptions()):
        with self._lock:
            # Evaluate the whole prompt every time: reusing a cached prefix evaluates the last prompt token alone,
            # whose logits differ slightly from a full batch, so the same seed gave a different first answer.
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
