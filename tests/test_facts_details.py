"""Details about the patient that nobody wrote (empathy/facts/details.py).

Found by independent judges of written framing (benchmarks/adjudicated_framing.py): added sentences with no medical
content that make the patient a child, greet a name, or speak of a visit, a second question or photos that neither
the patient's message nor the draft mentions. A clinician would not send them; the claim checks let them pass.
"""

from __future__ import annotations

import pytest

from empathy.facts import FLAGS, check_facts
from empathy.facts.details import invented_details

MESSAGE = "I've had pain in my right knee for two weeks since I started running. Should I stop?"
DRAFT = "This sounds like patellofemoral pain. Rest from running for two weeks and use ice after activity."


def found(sentence: str, message: str = MESSAGE, draft: str = DRAFT) -> list[str]:
    return [d.text for d in invented_details(sentence, message, draft)]


@pytest.mark.parametrize("sentence", [
    "I know it's hard to see your little one in pain.",
    "I'm sorry your daughter has been so uncomfortable.",
    "I hope he is feeling a bit brighter today.",
    "Thanks, Mom, for the detailed rundown.",
    "Hi Tom, thanks for your message.",
    "Thanks for getting in touch, Bridget.",
    "Thanks for letting us be part of Ava's care.",
    "Thanks for the photos you sent.",
    "On your second question, here is my view.",
    "As we discussed at your last visit, this takes time.",
    "Good luck with your exams.",
    "That must be hard while you're at work all day.",
    "I know this has been tough on the whole family.",
])
def test_an_invented_detail_is_found(sentence):
    assert found(sentence), sentence


@pytest.mark.parametrize("sentence", [
    "I'm sorry the knee pain has been getting in the way of your running.",
    "Hi there, thanks for writing.",
    "Good morning, Dr. Patel here.",
    "Best, Jenny",
    "Your GP is away this week, so she asked me to reply.",
    "Warm wishes to you and your family.",
    "Here's hoping the week is kinder to you.",
    "Dear Sir or Madam, thank you for your enquiry.",
    "We can pick this up again at your next visit if you'd like.",
    "I can picture how frustrating this must be.",
    "It sounds as though you've had to work around this pain.",
    "Thank you for your questions; let me take them in turn.",
])
def test_framing_that_fits_any_patient_is_not_a_detail(sentence):
    assert found(sentence) == [], sentence


def test_what_the_message_or_draft_says_supports_the_detail():
    assert found("I'm sorry your son has been so poorly.", "My boy (7) has had a cough for a week.", "") == []
    assert found("I know it's hard to see your little one unwell.", "My 3 year old has a fever.", "") == []
    assert found("Thanks for the photos you sent.", "I attached a picture of the rash.", "") == []
    assert found("Hi Tom, thanks for writing.", "Hi, Tom here. My knee hurts.", "") == []
    assert found("I hope she settles soon.", "My wife has had a migraine since Monday.", "") == []
    assert found("On your second question, yes.", "Is it serious? And should I stop running?", "") == []


def test_check_facts_flags_an_invented_detail_only_with_the_message():
    edited = f"I know it's hard to see your little one in pain. {DRAFT}"
    rep = check_facts(DRAFT, edited, patient=MESSAGE)
    assert rep.needs_review and "invented_detail" in rep.flags and "invented_detail" in FLAGS
    assert any('"your little one"' in m.reason for m in rep.unsupported)
    # without the patient's message nobody knows who the reply is about: no such flag
    assert "invented_detail" not in check_facts(DRAFT, edited).flags
    # the same sentence to a parent writing about their child is framing
    parent = "My 6-year-old son has had knee pain for two weeks since he started football."
    assert "invented_detail" not in check_facts(DRAFT, edited, patient=parent).flags


def test_a_detail_the_draft_already_gives_is_not_added():
    draft = "Your daughter's rash is eczema. Use the cream twice a day."
    edited = "I'm sorry your daughter has been so itchy. " + draft
    assert "invented_detail" not in check_facts(draft, edited, patient="The rash on her arms is so itchy.").flags
