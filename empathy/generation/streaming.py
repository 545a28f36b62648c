"""Streaming a blocking model call into a generator: how a Gradio callback shows progress while a model writes.

``run_streaming(fn)`` runs ``fn(emit)`` in a thread and yields each ``(kind, value)`` it emits, then
``("done", result)``; an exception in ``fn`` is re-raised in the caller. ``TapBackend`` reports the growing text of
every call made through it, for views that may show raw model text.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable, Iterator

from ..backends import Backend, GenerationOptions

Emit = Callable[[str, object], None]


class TapBackend(Backend):
    """Wraps a backend and reports the growing text of each call."""

    def __init__(self, inner: Backend, on_text: Callable[[str], None]):
        self.inner = inner
        self.on_text = on_text
        self.name = getattr(inner, "name", "tap")
        self.model_id = getattr(inner, "model_id", "")

    def stream(self, messages, options: GenerationOptions = GenerationOptions()):
        text = ""
        for piece in self.inner.stream(messages, options):
            text += piece
            self.on_text(text)
            yield piece

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def run_streaming(fn: Callable[[Emit], object]) -> Iterator[tuple[str, object]]:
    """Run ``fn(emit)`` in a thread; yield what it emits while it runs, then ("done", result)."""
    q: queue.Queue = queue.Queue()

    def run():
        try:
            q.put(("done", fn(lambda kind, value: q.put((kind, value)))))
        except BaseException as e:  # handed to the caller
            q.put(("error", e))

    threading.Thread(target=run, daemon=True).start()
    while True:
        kind, value = q.get()
        if kind == "error":
            raise value
        yield kind, value
        if kind == "done":
            return


def stream_call(fn: Callable[[Backend], object], backend: Backend) -> Iterator[tuple[str, object]]:
    """Run ``fn(tapped_backend)`` in a thread; yield ("text", partial) while it writes, then ("done", result)."""
    return run_streaming(lambda emit: fn(TapBackend(backend, lambda text: emit("text", text))))
