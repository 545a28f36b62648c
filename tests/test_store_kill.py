"""A writer killed with SIGKILL mid-write leaves a sound database holding every acknowledged judgment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from empathy.store import Store

WRITER = textwrap.dedent(
    """
    import sys
    from empathy.store import Store
    store = Store(sys.argv[1])
    a, b = int(sys.argv[2]), int(sys.argv[3])
    print("ready", flush=True)
    i = 0
    while True:
        # one annotator per write: each is a new row (one annotator voting again replaces its judgment)
        jid = store.add_judgment("writer-%s-%d" % (sys.argv[4], i), a, b, ("a", "b", "tie")[i % 3], "overall")
        print(jid, flush=True)  # acknowledged: committed before it is printed
        i += 1
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_write_keeps_every_acknowledged_judgment(tmp_path):
    db = tmp_path / "kill.db"
    store = Store(db)
    case = store.add_case("My knee hurts after the fall.", "Ice twice a day; X-ray if not better in a week.")
    a = store.add_reply(case, "Ice twice a day; X-ray if not better in a week.", kind="original", model="physician",
                        prompt="", level=None)
    b = store.add_reply(case, "Sorry about your fall. Ice twice a day; X-ray if not better in a week.", kind="edit",
                        model="m", prompt="edit-refined", level=1)
    store.close()
    acknowledged: list[int] = []
    for round_, stop_after in enumerate((37, 150, 411)):
        # two writers at once, so the kill lands while the other process also holds or waits for the lock
        procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(a), str(b), f"{round_}{k}"],
                                  stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
                 for k in range(2)]
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        seen = 0
        while seen < stop_after:
            line = procs[0].stdout.readline()
            assert line, "writer died early"
            acknowledged.append(int(line))
            seen += 1
        for p in procs:
            p.send_signal(signal.SIGKILL)
        for p in procs:
            out, _ = p.communicate(timeout=30)
            acknowledged.extend(int(x) for x in out.split())  # lines already written before the kill
            assert p.returncode == -signal.SIGKILL
    reopened = Store(db)
    assert reopened.integrity_check() == "ok"
    ids = {r["id"] for r in reopened.query("select id from judgments")}
    missing = set(acknowledged) - ids
    assert not missing, f"{len(missing)} acknowledged judgments lost"
    assert len(acknowledged) >= 37 + 150 + 411
    reopened.close()
