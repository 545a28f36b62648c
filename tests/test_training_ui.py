"""The Retrain tab: a background run reports progress and errors; in Chromium, a run on an empty store fails with
a clear, escaped message, and earlier runs are listed. (Successful runs are covered by test_training_e2e.py.)"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from app_server import AppServer  # noqa: E402

from training.ui_tab import RetrainJob, progress_html, train_command

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


def test_tab_module_imports_no_training_stack():
    import subprocess

    code = ("import sys, training.ui_tab, training, training.datasets, training.build_data, training.pipeline; "
            "bad = [m for m in ('torch', 'transformers', 'trl', 'peft') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_background_run_on_an_empty_store_fails_clearly(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_")}
    env.update(EMPATHY_DB=str(tmp_path / "empty.db"), EMPATHY_MODELS_DIR=str(tmp_path / "models"))
    from empathy.store import Store

    Store(env["EMPATHY_DB"]).close()
    job = RetrainJob()
    job.start(train_command("dpo", {"max_steps": 1}), env)
    deadline = time.time() + 120
    while job.state == "running" and time.time() < deadline:
        time.sleep(0.2)
    assert job.state == "failed"
    assert "no DPO data" in job.error
    page = progress_html(job)
    assert 'data-state="failed"' in page and "no DPO data" in page
    assert not (tmp_path / "models").exists()


def test_progress_html_escapes_run_text():
    job = RetrainJob()
    job.process, job.started, job.finished, job.error = object(), time.time(), time.time(), "<img src=x onerror=alert(1)>"
    page = progress_html(job)
    assert "<img" not in page and "&lt;img" in page


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_retrain_tab_in_chromium(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from empathy.store import Store

    db = tmp_path / "retrain.db"
    with Store(db) as store:  # an earlier run, to be listed
        run = store.add_training_run("dpo", "smollm2", {"max_steps": 3})
        store.update_training_run(run, status="done", adapter_path="/models/dpo-old.gguf",
                                  metrics={"steps": 3, "eval": {"preference": {"implicit_reward_accuracy": 0.9}}})
    server = AppServer(db)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(server.url)
            page.get_by_role("tab", name="Retrain").click()
            expect(page.locator("#retrain-runs")).to_contain_text("dpo-old.gguf", timeout=30_000)
            page.locator("#retrain-start").click()
            expect(page.locator("#retrain-progress[data-state='failed']")).to_be_visible(timeout=180_000)
            expect(page.locator("#retrain-bar")).to_contain_text("no DPO data")
            browser.close()
    finally:
        server.stop()
    with Store(db) as store:
        assert len(store.training_runs()) == 1  # the failed start wrote nothing
