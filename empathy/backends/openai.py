"""Any OpenAI-compatible chat endpoint (llama-server, vLLM, Ollama) over plain HTTP."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from ..errors import ModelError
from .base import Backend, GenerationOptions


class OpenAIBackend(Backend):
    name = "openai"

    def __init__(self, base_url: str, model: str | None = None, api_key: str | None = None, timeout: float = 120):
        self.base_url = base_url.rstrip("/")
        self.model_name = model or "default"
        self.model_id = f"{self.model_name}@{self.base_url}"
        self.api_key = api_key or os.environ.get("OPENAI_API_KEY")
        self.timeout = timeout

    def _request(self, payload: dict):
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(
            f"{self.base_url}/chat/completions", data=json.dumps(payload).encode(), headers=headers, method="POST"
        )
        try:
            return urllib.request.urlopen(req, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace")[:200]
            raise ModelError(f"{self.base_url} answered HTTP {e.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as e:
            raise ModelError(f"cannot reach the model server at {self.base_url}: {getattr(e, 'reason', e)}") from None

    def _payload(self, messages, options: GenerationOptions, stream: bool) -> dict:
        payload = {
            "model": self.model_name,
            "messages": messages,
            "max_tokens": options.max_tokens,
            "temperature": options.temperature,
            "top_p": options.top_p,
            "stream": stream,
        }
        if options.seed is not None:
            payload["seed"] = options.seed
        if options.stop:
            payload["stop"] = list(options.stop)
        return payload

    def stream(self, messages, options=GenerationOptions()):
        with self._request(self._payload(messages, options, True)) as resp:
            for raw in resp:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                try:
                    chunk = json.loads(data)
                    piece = chunk["choices"][0].get("delta", {}).get("content")
                except (ValueError, KeyError, IndexError):
                    raise ModelError(f"the server at {self.base_url} sent a malformed stream chunk") from None
                if piece:
                    yield piece
