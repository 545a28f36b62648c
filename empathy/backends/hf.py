"""transformers: a Hugging Face model folder, or a GGUF file that transformers dequantizes.

This is also how training loads the default model, so the two see the same weights.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ..errors import ModelError
from ..models import EMBEDDED_ID, check_gguf, embedded_model_path
from .base import Backend, GenerationOptions


def load_hf_model(model: str | None = None):
    """(tokenizer, model, model_id) for a folder or a GGUF file; the embedded GGUF when None."""
    try:
        import torch  # noqa: F401
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError:
        raise ModelError("the transformers backend needs torch and transformers (pip install torch transformers)") from None
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub at run time
    path = Path(model).expanduser() if model else embedded_model_path()
    try:
        if path.is_dir():
            tok = AutoTokenizer.from_pretrained(str(path))
            lm = AutoModelForCausalLM.from_pretrained(str(path))
            model_id = path.name
        else:
            check_gguf(path)
            tok = AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)
            lm = AutoModelForCausalLM.from_pretrained(str(path.parent), gguf_file=path.name)
            model_id = EMBEDDED_ID if model is None else path.stem
    except ModelError:
        raise
    except Exception as e:
        raise ModelError(f"transformers could not load {path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
    lm.eval()
    return tok, lm, model_id


class TransformersBackend(Backend):
    name = "transformers"

    def __init__(self, model: str | None = None, threads: int | None = None):
        import torch

        if threads:
            torch.set_num_threads(threads)
        self.tokenizer, self.model, base_id = load_hf_model(model)
        self.model_id = f"{base_id}@transformers"
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def stream(self, messages, options=GenerationOptions()):
        import torch
        from transformers import TextIteratorStreamer

        prompt = self.tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        inputs = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        do_sample = options.temperature > 0
        kwargs = dict(
            **inputs,
            max_new_tokens=options.max_tokens,
            do_sample=do_sample,
            repetition_penalty=options.repeat_penalty,
            streamer=streamer,
            pad_token_id=self.tokenizer.pad_token_id or self.tokenizer.eos_token_id,
        )
        if do_sample:
            kwargs.update(temperature=options.temperature, top_p=options.top_p)
        errors: list[BaseException] = []

        def run():
            try:
                with torch.no_grad():
                    self.model.generate(**kwargs)
            except BaseException as e:  # surfaced in the caller's thread below
                errors.append(e)
                streamer.end()

        with self._lock:
            if options.seed is not None:
                torch.manual_seed(options.seed)
            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            text = ""
            for piece in streamer:
                text += piece
                cut = _first_stop(text, options.stop)
                if cut is not None:
                    yield piece[: max(0, len(piece) - (len(text) - cut))]
                    break
                yield piece
            thread.join()
        if errors:
            raise ModelError(f"generation failed: {errors[0]}")


def _first_stop(text: str, stops) -> int | None:
    hits = [text.find(s) for s in stops if s and s in text]
    return min(hits) if hits else None
