"""Framing that reflects the patient's own message, and the everyday phrasings that are not clinical claims.

Found on clinician framing the checker's authors did not write (the sentence gate's labelled sentences,
benchmarks/realworld_facts.py gate_framing): feeling sentences that name the patient's symptoms were read as new
claims, "nothing to be embarrassed about" as false reassurance, "stop thinking about it" as advice to stop.
"""

import json

from click.testing import CliRunner

from empathy.cli import cli
from empathy.facts import check_facts

PATIENT = "My 3-year-old has had a fever of 102 for two days and now a rash on her belly. I'm worried."
DRAFT = "Give ibuprofen 7.5 ml every 6 hours. Come in today for an exam."


def test_reflection_of_the_patients_words_is_framing_only_with_the_message():
    edited = f"Two days of fever and a rash in a little one is worrying, and you were right to write. {DRAFT}"
    assert check_facts(DRAFT, edited, patient=PATIENT).needs_review is False
    assert check_facts(DRAFT, edited).needs_review is True  # without the message the fever is invented


def test_reflection_must_name_what_the_patient_wrote():
    other = "My son has a sore throat and I'm worried. Should we come in?"
    edited = f"Two days of fever and a rash in a little one is worrying. {DRAFT}"
    assert check_facts(DRAFT, edited, patient=other).needs_review is True
    changed = f"Five days of fever is worrying. {DRAFT}"  # the patient wrote two days
    assert check_facts(DRAFT, changed, patient=PATIENT).needs_review is True


def test_lay_words_reflect_the_patients_clinical_words():
    patient = "I've been having a high fever and sharp abdominal pain."
    draft = "This may be appendicitis. Please go to the emergency department now."
    edited = f"A high fever with sharp belly pain must have you feeling awful. {draft}"
    assert check_facts(draft, edited, patient=patient).needs_review is False


def test_the_patients_message_never_vouches_for_advice_reassurance_or_drugs():
    for added, flag in (("I'm sorry about the fever, but it's nothing serious.", "false_reassurance"),
                        ("Since the fever has lasted two days, keep her home from daycare.", "new_recommendation"),
                        ("I know the fever is worrying; acetaminophen can help too.", "new_medication")):
        report = check_facts(DRAFT, f"{added} {DRAFT}", patient=PATIENT)
        assert report.needs_review and flag in report.flags, (added, report.flags)


def test_shame_is_not_reassurance_but_worry_is():
    draft = "Leakage is common after prostatectomy. Do pelvic floor exercises 3 times daily."
    ok = check_facts(draft, f"Thank you for telling me about this; it is nothing to be embarrassed about. {draft}")
    assert "false_reassurance" not in ok.flags
    bad = check_facts(draft, f"Thank you for telling me about this; it is nothing to worry about. {draft}")
    assert "false_reassurance" in bad.flags


def test_talk_verbs_without_a_clinical_object_are_not_advice():
    draft = "Your mammogram needs more pictures. The callback is on Tuesday at 10 am."
    for added in ("I know how hard it is to stop thinking about a callback.", "It takes courage to raise this, and I'm glad you did.",
                  "If you need any more information, just let me know.", "How are you doing today?"):
        report = check_facts(draft, f"{added} {draft}")
        assert not report.needs_review, (added, report.flags)
    report = check_facts(draft, f"Stop taking aspirin before the callback. {draft}")
    assert report.needs_review and "new_recommendation" in report.flags


def test_a_list_number_is_not_a_value():
    draft = "Your thyroid test is mildly high. Repeat it in 6 weeks."
    report = check_facts(draft, f"{draft} 3. If you are unsure or have any questions, don't hesitate to ask.")
    assert not report.needs_review, report.flags
    assert check_facts(draft, draft.replace("6 weeks", "3 weeks")).needs_review


def test_cli_check_takes_the_patients_message():
    edited = f"Two days of fever and a rash in a little one is worrying. {DRAFT}"
    runner = CliRunner()
    with_msg = runner.invoke(cli, ["check", "-o", DRAFT, "-e", edited, "--patient", PATIENT, "--json"])
    without = runner.invoke(cli, ["check", "-o", DRAFT, "-e", edited, "--json"])
    assert with_msg.exit_code == 0 and without.exit_code == 0, with_msg.output + without.output
    assert json.loads(with_msg.output)["needs_review"] is False
    assert json.loads(without.output)["needs_review"] is True
