"""The one small interface every model backend implements: chat messages in, text out."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Iterator


@dataclass(frozen=True)
class GenerationOptions:
    max_tokens: int = 320
    temperature: float = 0.7
    top_p: float = 0.95
    seed: int | None = 0
    stop: tuple[str, ...] = ()
    repeat_penalty: float = 1.1
    task: str | None = None  # a task whose adapter (if the backend has one) serves this call, e.g. "framing"


@dataclass
class Completion:
    text: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    first_token_seconds: float | None = None
    finish_reason: str = "stop"


Messages = list[dict]


class Backend:
    """Subclasses implement ``stream`` (text deltas) and ``count_tokens``; ``complete`` is shared."""

    name: str = "base"
    model_id: str = ""

    def stream(self, messages: Messages, options: GenerationOptions = GenerationOptions()) -> Iterator[str]:
        raise NotImplementedError

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def complete(self, messages: Messages, options: GenerationOptions = GenerationOptions(), *,
                 on_text: Callable[[str], None] | None = None) -> Completion:
        """The whole answer; ``on_text`` (if given) receives the growing text while the model writes."""
        start = time.perf_counter()
        first = None
        pieces: list[str] = []
        for piece in self.stream(messages, options):
            if first is None and piece:
                first = time.perf_counter() - start
            pieces.append(piece)
            if on_text is not None:
                on_text("".join(pieces))
        text = "".join(pieces)
        prompt_tokens = sum(self.count_tokens(m.get("content", "")) + 4 for m in messages)
        completion_tokens = self.count_tokens(text) if text else 0
        return Completion(
            text=text.strip(),
            model=self.model_id,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            seconds=time.perf_counter() - start,
            first_token_seconds=first,
            finish_reason="length" if completion_tokens >= options.max_tokens else "stop",
        )


@dataclass
class ScriptedBackend(Backend):
    """A deterministic backend for fast tests of logic: replies come from a list or a function."""

    replies: list[str] | None = None
    reply_fn: object = None
    model_id: str = "scripted"
    calls: list = field(default_factory=list)
    name: str = "scripted"

    def stream(self, messages, options=GenerationOptions()):
        self.calls.append((messages, options))
        if self.reply_fn is not None:
            text = self.reply_fn(messages, options)
        else:
            text = self.replies[(len(self.calls) - 1) % len(self.replies)]
        for word in text.split(" "):
            yield word + " "
