"""The app's Retrain tab: start a training run in the background, watch its progress, read its report.

The run is a separate process (``python -m empathy train ... --json``) so that the app never imports torch or
TRL, stays responsive, and a crash or a cancel cannot take it down. Progress comes from the run's JSON lines
``{"progress", "message"}`` on stderr; the summary from its JSON on stdout. One run at a time per app. The fields
shown are the trainer config fields marked for the app (:mod:`training.options`).
"""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .options import cli_args, default, kind, ui_fields
from .trainers import CONFIGS, TrainConfig


@dataclass
class RetrainJob:
    """A background training process and what it has reported so far."""

    command: list[str] = field(default_factory=list)
    process: subprocess.Popen | None = None
    fraction: float = 0.0
    message: str = ""
    stdout: str = ""
    tail: list[str] = field(default_factory=list)
    error: str | None = None
    result: dict | None = None
    started: float = 0.0
    finished: float | None = None
    cancelled: bool = False

    @property
    def state(self) -> str:
        if self.process is None:
            return "idle"
        if self.finished is None:
            return "running"
        if self.cancelled:
            return "cancelled"
        return "done" if self.result is not None else "failed"

    def start(self, command: list[str], env: dict) -> None:
        self.command = command
        self.started = time.time()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                                        bufsize=1)
        threading.Thread(target=self._read_stderr, daemon=True).start()
        threading.Thread(target=self._wait, daemon=True).start()

    def _read_stderr(self) -> None:
        for raw in self.process.stderr:
            # tqdm redraws with carriage returns; keep the last piece of each line
            for line in raw.replace("\r", "\n").splitlines():
                line = line.strip()
                if not line:
                    continue
                event = _progress_event(line)
                if event is not None:
                    self.fraction = min(1.0, float(event["progress"]))
                    self.message = str(event.get("message", ""))
                else:
                    self.tail = (self.tail + [line])[-15:]
                    if line.startswith("Error:"):
                        self.error = line[len("Error:"):].strip()

    def _wait(self) -> None:
        out = self.process.stdout.read()
        code = self.process.wait()
        self.stdout = out
        if code == 0:
            for line in reversed(out.splitlines()):
                try:
                    self.result = json.loads(line)
                    break
                except ValueError:
                    continue
            if self.result is None:
                self.error = "the run finished without a summary"
        elif not self.cancelled and not self.error:
            self.error = f"exit code {code}: " + (self.tail[-1] if self.tail else "no output")
        self.finished = time.time()

    def cancel(self) -> None:
        if self.process is not None and self.finished is None:
            self.cancelled = True
            self.process.terminate()


def _progress_event(line: str) -> dict | None:
    """A progress line of ``empathy train --json``, or None for any other output."""
    if not line.startswith("{"):
        return None
    try:
        event = json.loads(line)
    except ValueError:
        return None
    return event if isinstance(event, dict) and "progress" in event else None


def train_command(method: str, values: dict | None = None, *, data: str | None = None, eval_cases: int = 10,
                  dimension: str = "overall") -> list[str]:
    """The ``empathy train`` command for ``values`` (config field -> value, as the tab's fields give them)."""
    if method not in CONFIGS:
        raise ValueError(f"unknown method {method!r}")
    cmd = [sys.executable, "-m", "empathy", "train", method, "--json", "--eval-cases", str(int(eval_cases)),
           "--dimension", dimension]
    if data:
        cmd += ["--data", data]
    return cmd + cli_args(CONFIGS[method], values or {})


def progress_html(job: RetrainJob) -> str:
    """A progress bar; every piece of text from the run is escaped."""
    state = job.state
    pct = 100.0 if state == "done" else job.fraction * 100
    elapsed = (job.finished or time.time()) - job.started if job.started else 0.0
    label = {"idle": "No run yet.", "running": job.message or "starting", "done": "Finished.",
             "failed": f"Failed: {job.error or 'unknown error'}", "cancelled": "Cancelled."}[state]
    color = {"failed": "#c0392b", "cancelled": "#7f8c8d"}.get(state, "#2e86de")
    return (
        f'<div id="retrain-progress" data-state="{state}" data-fraction="{pct:.1f}">'
        f'<div style="background:#eee;border-radius:4px;height:18px;width:100%">'
        f'<div style="background:{color};width:{pct:.1f}%;height:18px;border-radius:4px"></div></div>'
        f'<p>{html.escape(label)} ({pct:.0f}%, {elapsed:.0f} s)</p></div>'
    )


def run_report(job: RetrainJob) -> tuple[dict | None, str | None]:
    """The run's evaluation report and plot path, once it is done."""
    if job.result is None:
        return None, None
    out_dir = Path(job.result.get("output_dir", ""))
    report = dict(job.result)
    plot = None
    if (out_dir / "eval_report.json").is_file():
        report["evaluation"] = json.loads((out_dir / "eval_report.json").read_text())
    if (out_dir / "eval_plot.png").is_file():
        plot = str(out_dir / "eval_plot.png")
    return report, plot


def runs_table(store) -> list[list]:
    rows = []
    for r in reversed(store.training_runs()):
        metrics = r.get("metrics") or {}
        pref = (metrics.get("eval") or {}).get("preference") or {}
        rows.append([r["id"], r["method"], r["status"], r.get("started_at") or "", metrics.get("steps"),
                     pref.get("implicit_reward_accuracy"), r.get("adapter_path") or ""])
    return rows


def _default_label(f) -> str:
    value = default(f)
    return "per method" if f.name == "learning_rate" else ("machine default" if value is None else str(value))


def build_retrain_tab(settings, store):
    """Build the Retrain tab's components in the current Gradio Blocks context."""
    import gradio as gr

    job_box: dict[str, RetrainJob] = {"job": RetrainJob()}

    gr.Markdown("Train a LoRA adapter on the judgments collected here (DPO: pairs; KTO: thumbs up/down; SFT: "
                "accepted edits). The run happens in the background; its adapter appears in the model picker.")
    with gr.Row():
        method = gr.Radio(["dpo", "kto", "sft"], value="dpo", label="Method", elem_id="retrain-method")
        data = gr.Textbox(label="Data file (JSONL from `empathy build-data`; empty: this database)",
                          elem_id="retrain-data")
    fields = ui_fields(TrainConfig)
    with gr.Row():
        # empty means the method's default; the labels and defaults come from the config dataclasses
        inputs = [gr.Number(value=None, precision=0 if kind(f) == "int" else None,
                            label=f"{f.metadata['help']} (empty: {_default_label(f)})",
                            elem_id="retrain-" + f.name.replace("_", "-")) for f in fields]
        eval_cases = gr.Number(value=10, precision=0, label="Validation edits to generate", elem_id="retrain-eval")
    with gr.Row():
        start = gr.Button("Start training", variant="primary", elem_id="retrain-start")
        cancel = gr.Button("Cancel", elem_id="retrain-cancel")
    bar = gr.HTML(progress_html(job_box["job"]), elem_id="retrain-bar")
    report = gr.JSON(label="Run report", elem_id="retrain-report")
    plot = gr.Image(label="Evaluation", type="filepath", elem_id="retrain-plot")
    runs = gr.Dataframe(headers=["run", "method", "status", "started", "steps", "held-out pref. acc.", "adapter"],
                        value=lambda: runs_table(store), interactive=False, label="Runs", elem_id="retrain-runs")
    timer = gr.Timer(1.0, active=False)

    def on_start(method_v, data_v, eval_v, *field_values):
        job = job_box["job"]
        if job.state == "running":
            gr.Warning("A run is already in progress.")
            return progress_html(job), gr.Timer(active=True)
        if data_v and not Path(data_v).expanduser().is_file():
            gr.Warning(f"No such data file: {data_v}")
            return progress_html(job), gr.Timer(active=False)
        values = {f.name: v for f, v in zip(fields, field_values) if v not in (None, "")}
        cmd = train_command(method_v, values, data=(data_v or "").strip() or None, eval_cases=max(0, int(eval_v or 0)))
        env = dict(os.environ, EMPATHY_DB=str(settings.db), EMPATHY_MODELS_DIR=str(settings.models_dir),
                   HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_DATASETS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
        job = RetrainJob()
        job_box["job"] = job
        job.start(cmd, env)
        return progress_html(job), gr.Timer(active=True)

    def on_tick():
        job = job_box["job"]
        if job.state == "running":
            return progress_html(job), gr.skip(), gr.skip(), gr.skip(), gr.Timer(active=True)
        rep, png = run_report(job)
        if rep is None and job.error:
            rep = {"error": job.error, "log": job.tail}
        return progress_html(job), rep, png, runs_table(store), gr.Timer(active=False)

    def on_cancel():
        job_box["job"].cancel()
        return progress_html(job_box["job"])

    start.click(on_start, [method, data, eval_cases, *inputs], [bar, timer])
    timer.tick(on_tick, None, [bar, report, plot, runs, timer])
    cancel.click(on_cancel, None, [bar])
    return {"method": method, "start": start, "bar": bar, "report": report, "plot": plot, "runs": runs, "timer": timer}
