"""With accounts (EMPATHY_USERS), the app requires login and attributes judgments to the logged-in user."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from app_server import AppServer  # noqa: E402

from empathy.store import Store  # noqa: E402


def test_login_required_and_judgments_attributed_to_the_user(tmp_path):
    from gradio_client import Client

    db = tmp_path / "auth.db"
    store = Store(db)
    case = store.add_case("Rash after amoxicillin?", "Stop amoxicillin and call us today.")
    a = store.add_reply(case, "Stop amoxicillin and call us today.", kind="original", model="physician", prompt="", level=None)
    b = store.add_reply(case, "I'm sorry about the rash. Stop amoxicillin and call us today.", kind="edit", model="m",
                        prompt="p", level=1)
    store.close()
    server = AppServer(db, extra_env={"EMPATHY_USERS": "alice:wonder-land,bob:builder"})
    try:
        with pytest.raises(urllib.error.HTTPError) as err:  # nothing but the login page without a login
            urllib.request.urlopen(server.url + "config", timeout=10)
        assert err.value.code == 401
        with pytest.raises(Exception):
            Client(server.url, auth=("alice", "wrong"), verbose=False)
        client = Client(server.url, auth=("alice", "wonder-land"), verbose=False)
        client.predict("someone-else", a, b, "a", "overall", api_name="/record_judgment")
    finally:
        server.stop()
    store = Store(db)
    rows = store.query("select a.name from judgments j join annotators a on a.id = j.annotator_id")
    assert rows == [{"name": "alice"}]
    store.close()
