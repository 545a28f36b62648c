import pytest

from empathy.config import Settings
from empathy.errors import EmpathyError, InputError
from empathy.inputs import MAX_CHARS, clean_text, decode_bytes


def test_environment_then_flags():
    env = {"EMPATHY_BACKEND": "openai", "EMPATHY_MODEL": "llama3", "EMPATHY_THREADS": "3", "EMPATHY_DB": "/tmp/x.db"}
    s = Settings.from_env(env)
    assert (s.backend, s.model, s.threads, s.db) == ("openai", "llama3", 3, "/tmp/x.db")
    s = Settings.from_env(env, backend="llama-cpp", threads=None)  # None means "flag not given"
    assert s.backend == "llama-cpp" and s.threads == 3


def test_defaults_put_the_database_and_models_in_the_user_folder():
    s = Settings.from_env({})
    assert s.backend == "llama-cpp" and s.model is None
    assert s.db.endswith("empathy.db") and s.models_dir.endswith("models")


def test_bad_settings_are_refused():
    with pytest.raises(EmpathyError, match="unknown backend"):
        Settings.from_env({"EMPATHY_BACKEND": "gpt"})
    with pytest.raises(EmpathyError, match="EMPATHY_N_CTX"):
        Settings.from_env({"EMPATHY_N_CTX": "big"})


def test_clean_text_normalises_without_losing_content():
    raw = "\ufeffPSA\u00a04.2\r\nCaf\u0065\u0301 <b>bold</b>\x00\x07 "
    out = clean_text(raw, "draft")
    assert out == "PSA\u00a04.2\nCafé <b>bold</b>"  # HTML is kept as text: it is escaped where rendered


@pytest.mark.parametrize("bad", ["", "   \n\t", "\x00\x01"])
def test_clean_text_refuses_empty(bad):
    with pytest.raises(InputError, match="empty"):
        clean_text(bad, "patient message")


def test_clean_text_refuses_huge():
    with pytest.raises(InputError, match="limit"):
        clean_text("a" * (MAX_CHARS + 1), "draft")


def test_decode_bytes_names_the_bad_byte():
    with pytest.raises(InputError, match="0xe9 at offset 1"):
        decode_bytes("Ré".encode("latin-1"), "note.txt")
    assert decode_bytes("\ufeffhé".encode("utf-8"), "x") == "hé"
