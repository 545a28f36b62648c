"""Load: 16 concurrent clients record 100 judgments each through the app's API -> exactly 1,600 rows, no errors.

Each client judges 100 different (pair, dimension) items (one judgment per annotator, pair and dimension); votes again
on ten of them replace those judgments (same ids) and archive the old votes.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from app_server import AppServer  # noqa: E402

from empathy.store import Store  # noqa: E402

CLIENTS, PER_CLIENT = 16, 100


def test_16_clients_100_judgments_each(tmp_path):
    from gradio_client import Client

    db = tmp_path / "load.db"
    store = Store(db)
    case = store.add_case("My knee hurts after the fall.", "Ice twice a day; X-ray if not better in a week.")
    a = store.add_reply(case, "Ice twice a day; X-ray if not better in a week.", kind="original", model="physician",
                        prompt="", level=None)
    b = store.add_reply(case, "Sorry about your fall. Ice twice a day; X-ray if not better in a week.", kind="edit",
                        model="m", prompt="edit-refined", level=1)
    others = [store.add_reply(case, f"Variant {k}: ice twice a day; X-ray if not better in a week.", kind="edit",
                              model="m", prompt="edit-refined", level=k % 4) for k in range(8)]
    store.close()
    replies = [a, b, *others]
    items = [(x, y, dim) for i, x in enumerate(replies) for y in replies[i + 1:] for dim in ("overall", "empathy", "accuracy")]
    assert len(items) >= PER_CLIENT
    server = AppServer(db)
    errors: list[str] = []
    ids: list[int] = []
    lock = threading.Lock()
    try:
        def client(n: int):
            try:
                c = Client(server.url, verbose=False)
                for i in range(PER_CLIENT):
                    choice = ("a", "b", "tie")[(n + i) % 3]
                    x, y, dim = items[i]
                    jid = c.predict(f"annotator-{n}", x, y, choice, dim, api_name="/record_judgment")
                    with lock:
                        ids.append(int(jid))
            except Exception as e:  # collected and asserted below
                with lock:
                    errors.append(f"client {n}: {type(e).__name__}: {e}")

        start = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        seconds = time.perf_counter() - start
        # a bad judgment through the same API is refused with a clear error, and writes nothing
        client = Client(server.url, verbose=False)
        with pytest.raises(Exception, match="choice must be"):
            client.predict("x", a, b, "maybe", "overall", api_name="/record_judgment")
        # annotator-0 changes ten votes: the same judgments (same ids), the old votes archived
        again = [int(client.predict("annotator-0", x, y, ("b", "tie", "a")[i % 3], dim, api_name="/record_judgment"))
                 for i, (x, y, dim) in enumerate(items[:10])]
    finally:
        server.stop()
    print(f"{CLIENTS * PER_CLIENT} judgments from {CLIENTS} clients in {seconds:.1f} s "
          f"({CLIENTS * PER_CLIENT / seconds:.0f}/s)")
    assert errors == []
    assert len(ids) == len(set(ids)) == CLIENTS * PER_CLIENT
    store = Store(db)
    assert store.count("judgments") == CLIENTS * PER_CLIENT
    assert store.integrity_check() == "ok"
    per = store.query("select a.name, count(*) n from judgments j join annotators a on a.id = j.annotator_id group by a.name")
    assert sorted(r["n"] for r in per) == [PER_CLIENT] * CLIENTS
    assert set(again) <= set(ids) and len(store.revisions("judgments")) == 10
    store.close()
