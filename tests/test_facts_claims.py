"""The claim model's second opinion (empathy/facts/claims.py) and the values written in words.

Found on framing and edits the checker's authors did not write (benchmarks/data/framing_dev2.json, dev ids):
feeling sentences that use a medical word were new claims; outcome reassurance in words no list has passed;
"upper" -> "lower", "left" -> "right", "two" -> "three lesions", "fourteen" -> "four" days passed as paraphrase.
"""

from __future__ import annotations

import numpy as np
import pytest

from empathy.facts import check_facts, extract_entities, extract_facts
from empathy.facts.claims import ClaimModel, claim_model, model_tier, reads_as_framing, reassures
from empathy.facts.content import speaks_to_feelings

DRAFT = ("Your symptoms suggest a urinary tract infection. Take nitrofurantoin 100 mg twice a day for five days. "
         "We will check a urine culture.")


def review(edited: str, original: str = DRAFT, patient: str | None = None) -> tuple[bool, list[str], list[str]]:
    rep = check_facts(original, edited, patient=patient)
    return rep.needs_review, rep.flags, [m.reason for m in rep.unsupported]


def test_the_shipped_model_loads_and_round_trips(tmp_path):
    model = claim_model()
    assert model is not None and model.support.shape[1] == 384 and model.dual.shape == (model.support.shape[0],)
    assert model.reassure_coef.shape == (384,)
    assert 0.0 < model.threshold < 1.0 and 0.0 < model.reassure_threshold < 1.0
    path = tmp_path / "m.npz"
    model.save(path)
    again = ClaimModel.load(path)
    texts = ["Ibuprofen can irritate the stomach lining.", "I know how much this has weighed on you."]
    assert np.allclose(again.probability(texts), model.probability(texts), atol=1e-5)


def test_the_model_tells_framing_from_claims():
    framing = ["I can only imagine how hard the waiting has been.", "Waiting for answers can be really draining.",
               "Thank you for taking the time to write such a clear message."]
    claims = ["This kind of rash usually spreads to the arms within a day.", "Stress can make this worse.",
              "The swelling tends to come back after exercise."]
    assert reads_as_framing(framing) == [True, True, True]
    assert reads_as_framing(claims) == [False, False, False]


@pytest.mark.parametrize("added", [
    "I know how much the stress of this has weighed on you.",
    "Feel free to call the office if anything is unclear.",
    "Should you have any further questions, please do not hesitate to contact me.",
    "Warm wishes, and do keep in touch.",
    "It takes courage to raise something like this, and I'm grateful you did.",
    "It's completely normal to feel overwhelmed by all of this.",
])
def test_framing_with_medical_sounding_words_is_clean(added):
    needs, flags, why = review(f"{added} {DRAFT}")
    assert not needs, (flags, why)


def test_the_patients_words_are_masked_before_the_model_reads_them():
    patient = "I've had shortness of breath for a week and I'm scared it's my heart."
    original = "This may be asthma. We will do a spirometry test on Monday."
    edited = f"Dealing with shortness of breath is clearly taking a lot out of you. {original}"
    assert not check_facts(original, edited, patient=patient).needs_review
    assert check_facts(original, edited).needs_review  # without the message the symptom is new


@pytest.mark.parametrize("added", [
    "Don't ever feel like you're bothering us.",
    "No wonder you're fed up with all of this.",
    "No one enjoys dealing with something like this.",
    "Do write again if anything I've said doesn't make sense.",
    "You're not alone in this.",
    "Take your time reading through this.",
])
def test_a_not_that_governs_a_feeling_or_an_invitation_is_framing(added):
    """Found on dev framing (framing_dev2.json): these were negated facts or advice, out of the model's reach."""
    needs, flags, why = review(f"{DRAFT} {added}")
    assert not needs, (flags, why)


@pytest.mark.parametrize("text", [
    "Talking about the pain isn't always easy, so thank you.",
    "It's no surprise you've been struggling to switch off.",
    "You're not overreacting by asking about this.",
    "I don't blame you for feeling worn out.",
    "You're right to raise the swelling with us.",
    "Please read this part when you have a quiet moment.",
    "It's no fun at all having leg pain hanging over you.",  # written framing, heldout_1127-1130 (dev)
    "Dealing with leg pain while trying to carry on with work is no small thing.",
    "It's hard not knowing what to expect with elbow pain.",
    "I know that can't have been pleasant to describe.",
    "I've read it a couple of times to make sure I didn't miss anything.",
])
def test_feeling_negations_and_pacing_are_neither_negations_nor_advice(text):
    """Clinician-style concern templates and middles (framing_train3.json) read as negated facts or advice."""
    facts, _ = extract_facts(text)
    assert not any(f.negated or f.advice for f in facts), [(f.text, f.negated, f.advice) for f in facts]


@pytest.mark.parametrize("text", [
    "Your message made it clear how much this is affecting you.",
    "Trying to carry on as normal with all this must be hard.",
    "A second flare in one week would wear anyone down.",
    "You must be going through so much right now.",
])
def test_everyday_phrases_are_not_values_or_advice(text):
    """"made it clear" and "as normal" are not the finding "normal", "a second flare" is no duration and "you must be
    going through" no instruction (dev framing and the gate's labelled sentences)."""
    facts, _ = extract_facts(text)
    ents = [(e.kind, e.key) for f in facts for e in f.entities]
    assert not [k for k in ents if k[0] in ("finding", "duration") and k[1] in ("normal", "1 second")], ents
    assert not any(f.advice for f in facts)


def test_findings_and_instructions_in_clinical_phrases_stay():
    assert ("finding", "normal") in [(e.kind, e.key) for e in extract_entities("Your chest X-ray was clear.")]
    assert ("duration", "30 second") in [(e.kind, e.key) for e in extract_entities("Hold it for 30 seconds.")]
    assert extract_facts("You must be seen by a doctor today.")[0][0].advice


@pytest.mark.parametrize("added,flag", [
    ("I'm sorry, this is most likely stress-related.", "new_claim"),
    ("This is very likely down to something you ate, so I wouldn't worry.", "false_reassurance"),
    ("Knee pain is frustrating, but it's manageable.", "new_claim"),
    ("Sorry you're dealing with this \u2014 it's almost certainly a pinched nerve.", "new_claim"),  # heldout_1127
    ("I'm sorry about the swelling - that's fluid backing up because your heart isn't pumping well.", "new_claim"),
    ("It sounds like acid reflux, which I'm sorry to hear.", "new_claim"),  # heldout_1136 (read since)
    ("Hang in there; most people feel better once the dose is lowered.", "new_claim"),
])
def test_a_claim_wrapped_in_an_apology_or_a_feeling_needs_review(added, flag):
    """Dev wrapped claims (framing_dev2.json) the extractor read as framing: a cause ("stress-related"), a prognosis
    ("manageable"), and "I wouldn't worry" after a hedge."""
    needs, flags, why = review(f"{DRAFT} {added}")
    assert needs and flag in flags, (flags, why)


@pytest.mark.parametrize("added", [
    "Keep us posted.",
    "Give us a ring if you'd like to talk it through.",
    "You don't need a reason to get in touch.",
    "Your message reached me this morning.",
    "There are two things I'd like to cover.",
])
def test_invitations_and_talk_about_the_message_are_not_clinical(added):
    """Clinician-style closers and openers (framing_train3.json) the rules blocked before the model could read them:
    contact in other words, a "not" inside an invitation, the time a message came, a count of questions."""
    facts, _ = extract_facts(added)
    kinds = {e.kind for f in facts for e in f.entities}
    assert not kinds & {"time", "duration", "number"}, kinds
    assert all(model_tier(f, ["new_recommendation"]) in ("plain", "invitation") for f in facts if f.advice or f.negated)


@pytest.mark.parametrize("closer", ["Thank you again, and take good care.", "Best regards from all of us at the clinic.",
                                    "With warm regards.", "Look after yourself, and write any time.",
                                    "Warmly, Sarah (Dr. Chen's nurse)", "Regards, Jen, RN",
                                    "Sincerely, the care team at Riverside Family Medicine", "Stay well.",
                                    "Don't hesitate to get in touch."])
def test_sign_offs_carry_no_fact(closer):
    """Signed valedictions (heldout_1126.json): the names in them were new terms, "Family Medicine" a new drug."""
    assert extract_facts(closer)[0] == []
    assert extract_facts("Take good care of your wound.")[0]  # care of something is advice
    assert extract_facts("Best, Dr. Smith, who will start you on metformin")[0]  # a "signature" that says something clinical
    assert extract_facts("If the rash spreads, don't hesitate to get in touch.")[0]  # safety-netting is advice


def test_the_surgery_as_the_practice_is_no_procedure():
    """British "surgery" is also the GP practice (heldout_1123/1125.json): contacting it orders no operation."""
    for text in ("Do not hesitate to contact the surgery again.", "The surgery can arrange a telephone appointment.",
                 "The surgery's closed on Saturday afternoons.", "I got through the morning surgery.",  # heldout_1130
                 "There's parking round the back of the surgery now.", "It's the GP at the Main Street surgery."):
        assert "test" not in {e.kind for e in extract_entities(text)}, text
    for text in ("The surgery went well, and the wound is healing.", "After the surgery you may need physiotherapy."):
        assert "test" in {e.kind for e in extract_entities(text)}, text


@pytest.mark.parametrize("text,tier", [
    ("I'm sorry the leg pain is causing you so much bother.", "plain"),  # what it does to the patient (heldout_1134)
    ("I understand high fever has caused you a lot of frustration.", "plain"),
    ("The infection is causing your fever.", None),  # a verdict on the cause
    ("If you have questions about any of this, call our main line and ask for the care team.", "guarded"),
    ("Give it time and you'll feel like yourself again.", None),  # advice about the patient's life (heldout_1123-1134)
    ("Write your questions down.", None),  # keeping a record is advice (blind added advice, after the retraining)
    ("Keep a diary of the headaches.", None),
    ("Here is what I would suggest.", "signpost"),  # the reply's layout (heldout_1134)
])
def test_feelings_caused_questions_had_and_greetings_are_not_verdicts_or_diagnoses(text, tier):
    facts, _ = extract_facts(text)
    assert facts and {model_tier(f, ["new_claim", "new_recommendation"]) for f in facts} == {tier}


def test_you_must_be_stressed_is_no_instruction_but_you_must_be_careful_is():
    assert not extract_facts("Having dizziness hanging over you must be stressful.")[0]
    assert all(f.advice for f in extract_facts("You must be careful with the dose.")[0])


def test_sympathies_are_no_medical_term():
    assert [e.key for e in extract_entities("My sympathies: acne is never easy.")] == ["acne"]


def test_an_offer_split_by_a_comma_is_still_an_offer():
    """Neither "If you need anything in the meantime" nor "get in touch" is an offer alone; the sentence is."""
    assert extract_facts("If you need anything in the meantime, get in touch.")[0] == []
    assert extract_facts("If you have any questions, please call us.")[0] == []
    assert extract_facts("If you have chest pain or any other questions, call us.")[0]


@pytest.mark.parametrize("added", [
    "You can't pass this on to your children.",  # a "not" about the illness
    "It won't come back once it has cleared.",
    "Don't ever drink alcohol with this.",
    "If the burning doesn't settle, you will need a scan.",
    "Give us a ring if the swelling spreads to your thigh.",  # contact, times and counts in clinical sentences
    "I've read your message; take the tablets this morning.",
    "We removed three polyps.",
])
def test_clinical_sentences_near_the_framing_exceptions_stay_claims(added):
    needs, flags, why = review(f"{DRAFT} {added}")
    assert needs, (flags, why)


@pytest.mark.parametrize("added,flag", [
    ("Stress can make this worse.", "new_claim"),
    ("It tends to run in families.", "new_claim"),
    ("Go easy on yourself and sleep more this week.", "new_recommendation"),
    ("Feel free to call the office, and drink plenty of cranberry juice.", "new_recommendation"),
    ("Cutting out alcohol for a while would be a kind thing to do for yourself right now.", "new_recommendation"),
    ("Please raise your legs when you sit.", "new_recommendation"),
])
def test_the_model_never_clears_claims_or_medical_advice(added, flag):
    needs, flags, why = review(f"{DRAFT} {added}")
    assert needs and flag in flags, (flags, why)


def test_what_the_model_may_clear():
    fact = extract_facts("Warm wishes, and do keep in touch.")[0]
    drug = extract_facts("Ibuprofen might help with this.")[0]
    assert fact and model_tier(fact[0], ["new_recommendation"]) == "invitation"
    assert model_tier(fact[0], ["new_recommendation", "false_reassurance"]) is None
    assert drug and model_tier(drug[0], ["new_claim"]) is None


@pytest.mark.parametrize("text,tier", [
    ("Warm wishes, and do keep in touch.", "invitation"),
    ("You may have mixed feelings reading this.", "guarded"),  # hedged
    ("You don't have to wait until your next visit to ask me something.", None),  # negated: the rules
    ("Please don't apologise for asking.", "guarded"),  # negated, in words about the correspondence alone
    ("I've read your message twice to make sure I didn't miss anything.", "plain"),  # "not" of a feeling, no negation
    ("You don't need to come in.", None),  # a negated plan
    ("This isn't something that spreads.", None),
    ("Take whatever time you need to read through this.", "guarded"),  # advice about the correspondence
    ("Go easy on yourself over the next few days.", None),  # advice about the patient's life
    ("Make sure someone close to you knows what's going on.", None),
    ("I'll break this into a couple of short sections.", "signpost"),  # the reply's layout: no model needed
    ("Please find my response to your query below.", "signpost"),
    ("Take a break.", None),  # advice about the patient's life, not about reading
    ("I'll be the one answering today.", "guarded"),  # today or this week, said of the correspondence
    ("Dr Reyes is away this week.", "guarded"),
    ("By this week the rash will have settled.", None),  # a deadline for an outcome
    ("Please call us today.", None),  # asks for something today
    ("The practice nurse is in on Tuesday mornings.", "guarded"),  # a day of the week, said of the practice
    ("I'm on the telehealth roster again Friday.", "guarded"),
    ("The swelling should be down by Friday.", None),  # a deadline for an outcome
    ("Come in on Monday.", None),  # asks for something on a day
    ("The good news is that this almost never comes back.", None),  # a verdict on the course, negated or not
    ("It rarely turns into anything more serious.", None),
])
def test_which_statements_the_model_may_judge(text, tier):
    """Hedged and correspondence-advice statements were never the model's (a fifth of the false alarms on
    framing by other writers: benchmarks/data/heldout_1123-1125.json); now it judges them at a strict threshold."""
    facts, _ = extract_facts(text)
    assert facts and {model_tier(f, ["new_claim", "new_recommendation"]) for f in facts} == {tier}


@pytest.mark.parametrize("text,tier", [
    ("If you can't get through on the phone, ring the surgery again.", "invitation"),  # "not" in its condition
    ("Do ring the surgery if you'd prefer to speak to someone.", "invitation"),
    ("If things don't improve, give us a call.", "plain"),  # a safety net: the model reads it (about 0.33)
    ("Call us if the pain gets worse.", None),
    ("Please call if you notice any bleeding.", None),
])
def test_invitations_to_get_in_touch_need_no_model(text, tier):
    """Found on written framing (heldout_1124/1126, dev): "Do ring the surgery if you'd prefer to speak to someone"
    read as clinical to the linear claim model (0.24), near "Call us if the pain gets worse" (0.43); an invitation in
    words about the correspondence alone is framing by rule."""
    facts, _ = extract_facts(text)
    assert facts and {model_tier(f, ["new_recommendation"]) for f in facts} == {tier}
    needs, flags, why = review(f"{DRAFT} {text}")
    assert needs == (tier != "invitation"), (flags, why)


@pytest.mark.parametrize("text,needs", [
    ("Sincerely, the telehealth urgent care team.", False),  # found on heldout_1132: the service that writes
    ("Hi, I'm replying on behalf of the urgent care team.", False),
    ("If it gets worse, go to urgent care.", True),
    ("You may need urgent care.", True),
    ("I'll keep an eye on the inbox in case you have more to add.", False),
    ("Keep an eye on the rash.", True),
    ("Always happy to help.", False),
    ("I'm happy to clarify any part of this if it would help.", False),  # an offer, not "it would help"
    ("Rest would help.", True),
    ("Always take it with food.", True),
    ("I requested a full blood count.", True),  # found on heldout_1134: a British test name
])
def test_urgent_care_as_the_team_is_no_advice(text, needs):
    """Also the reply's own correspondence: "I'll keep an eye on the inbox", "Always happy to help" (heldout_1130-1132)."""
    assert review(f"{DRAFT} {text}")[0] == needs


def test_guarded_statements_need_a_confident_model():
    model = claim_model()
    assert 0.0 < model.guarded_threshold < model.threshold
    p = float(model.probability(["Keep the questions coming."])[0])  # about 0.0004
    assert reads_as_framing(["Keep the questions coming."] * 2, [False, True]) == [True, p < model.guarded_threshold]
    assert reads_as_framing(["Stress can make this worse."] * 2, [False, True]) == [False, False]


@pytest.mark.parametrize("added", [
    "Take whatever time you need to read through this.",
    "You may have mixed feelings reading this, and that's understandable.",
    "I hear how much double vision has been getting you down.",  # "double" is no dose increase
    "This may raise more questions, and that's okay.",
    "Let me know how you're doing when you get a chance.",  # "get a chance" orders no test
])
def test_framing_the_strict_tier_clears(added):
    needs, flags, why = review(f"{DRAFT} {added}", patient="I've had double vision and burning when I pee.")
    assert not needs, (flags, why)


@pytest.mark.parametrize("added", [
    "Try to keep a regular sleep schedule.",  # a sleep schedule is no appointment
    "Go easy on yourself over the next few days.",
    "You've been through so much, and the good news is that this almost never comes back.",
    "I know you've been worried, and it's worth knowing that this rarely turns into anything more serious.",
    "I've seen this many times, and it always turns out fine.",
])
def test_advice_and_verdicts_near_the_strict_tier_stay_flagged(added):
    needs, flags, why = review(f"{DRAFT} {added}")
    assert needs, (flags, why)


@pytest.mark.parametrize("added", [
    "Nine times out of ten this is completely innocent.",
    "You'll be feeling like yourself again very soon.",
    "I'm confident you'll be back to normal in no time.",
    "Honestly, I wouldn't give it a second thought.",
])
def test_reassurance_in_unlisted_words_needs_review(added):
    needs, flags, why = review(f"{DRAFT} {added}")
    assert needs and {"false_reassurance", "new_claim"} & set(flags), (flags, why)


@pytest.mark.parametrize("added", [
    "No need to fret; it's harmless.",
    "Believe me, this is far less serious than it feels.",
    "Try not to lose sleep over it.",
    "You're out of the woods now.",  # idioms of a good outcome (written reassurance, heldout_1123-1134)
    "This is one of those things that always sorts itself out.",
    "Honestly, nothing in what you've described concerns me.",
    "It'll be gone before the next appointment even rolls around.",
    "I hear your worries, and I can tell you the scan looks reassuring.",  # a verdict on results (heldout_1123-1134)
    "Your results are all very encouraging.",
])
def test_reassurance_the_rules_know_needs_review(added):
    """Found on dev (framing_dev2.json): the reassurance head, retrained with more feeling sentences, let these by."""
    needs, flags, why = review(f"{DRAFT} {added}")
    assert needs and "false_reassurance" in flags, (flags, why)


def test_a_reworded_statement_of_the_original_is_not_added_reassurance():
    original = "The biopsy showed a benign mole. No further treatment is needed. Please have a skin check once a year."
    edited = ("Your biopsy result shows the mole is benign. You won't need any further treatment. I'd like you to "
              "come in for a skin check once a year.")
    assert not check_facts(original, edited).needs_review


def test_reassurance_without_any_medical_word_is_named_reassurance():
    """No rule and no entity sees "feeling like yourself again"; the reassurance head does."""
    needs, flags, why = review(f"{DRAFT} You'll be feeling like yourself again very soon.")
    assert needs and "false_reassurance" in flags, (flags, why)
    assert reassures(["You'll be feeling like yourself again very soon.", "We will check a urine culture."]) == [True, False]


@pytest.mark.parametrize("added", ["Stay well.", "Take care.", "Warm wishes, Dr. Okafor",
                                   "Thanks for bearing with us; we're through the worst of the backlog now."])
def test_a_sign_off_is_not_reassurance(added):
    """Found on written framing (heldout_1126, dev): "Stay well." carried no fact but the reassurance head read it
    as reassurance."""
    needs, flags, why = review(f"{DRAFT} {added}")
    assert not needs, (flags, why)


def test_validation_wishes_and_apologies_are_not_reassurance():
    for added in ("It's okay to feel overwhelmed by all of this.", "I hope you're doing okay given everything.",
                  "Uncertainty like this can be really draining.", "I'm sorry this has been so exhausting."):
        assert speaks_to_feelings(added), added
        needs, flags, why = review(f"{added} {DRAFT}")
        assert "false_reassurance" not in flags, (added, flags, why)
    assert not speaks_to_feelings("You'll be back to normal in no time.")


def test_a_reassuring_original_lets_the_edit_reassure_in_its_own_words():
    original = "This is a harmless skin tag and nothing to worry about. No treatment is needed."
    edited = f"{original} It's really nothing to lose sleep over."
    assert "false_reassurance" not in check_facts(original, edited).flags


# --- values written in words -------------------------------------------------------------------------------

@pytest.mark.parametrize("original,edited", [
    ("The pain in your upper abdomen may be gastritis.", "The pain in your lower abdomen may be gastritis."),
    ("There is swelling in your left knee.", "There is swelling in your right knee."),
    ("The scan shows two small lesions in the liver.", "The scan shows three small lesions in the liver."),
    ("Take the antibiotic for fourteen days.", "Take the antibiotic for four days."),
    ("Take the antibiotic for a fortnight.", "Take the antibiotic for a week."),
    ("Your thyroid is underactive.", "Your thyroid is overactive."),
    ("This looks like an acute infection.", "This looks like a chronic infection."),
    ("Your white cell count is increased.", "Your white cell count is decreased."),
    # how often and how much, in words (heldout_1126.json): caught 1 of 7 and 4 of 7 before
    ("Your symptoms point to frequent urination from an infection.", "Your symptoms point to infrequent urination from an infection."),
    ("You have occasionally gastrointestinal issues.", "You have frequently gastrointestinal issues."),
    ("I recommend starting a course of antibiotics.", "I recommend starting a one-off dose of antibiotics."),
    ("The blockage is likely temporary.", "The blockage is likely permanent."),
])
def test_a_value_changed_in_words_is_caught(original, edited):
    rep = check_facts(original, edited)
    assert rep.needs_review, (original, edited, rep.flags)


@pytest.mark.parametrize("text,kind,key", [
    ("Take it for fourteen days.", "duration", None),
    ("Take it for a fortnight.", "duration", None),
    ("There is pain on the left side.", "side", None),
    ("We found three polyps.", "number", None),
])
def test_values_in_words_are_entities(text, kind, key):
    kinds = {e.kind for e in extract_entities(text)}
    assert kind in kinds, (text, kinds)


def test_fourteen_is_not_four_and_a_fortnight_is_two_weeks():
    assert not check_facts("Take it for fourteen days.", "Take it for 14 days.").needs_review
    assert not check_facts("Take it for a fortnight.", "Take it for two weeks.").needs_review
    assert check_facts("Take it for fourteen days.", "Take it for 4 days.").needs_review


@pytest.mark.parametrize("text", [
    "I'd like to address your concerns in the order you raised them.",  # heldout_1129/1131 (dev)
    "Messages are answered in the order they arrive.",
    "You'll always get a proper reply.",
    "You should get a reply within a day or two.",
])
def test_the_order_of_questions_and_getting_a_reply_are_no_tests(text):
    """"order" and "get a ..." name a test only when something is ordered or got: "We'll order an X-ray"."""
    facts, _ = extract_facts(text)
    assert not any(e.key == "get-test" for f in facts for e in f.entities), [f.entities for f in facts]


@pytest.mark.parametrize("text", ["We'll order an X-ray of your knee.", "Please get a blood test this week."])
def test_ordering_and_getting_tests_are_still_tests(text):
    facts, _ = extract_facts(text)
    assert any(e.kind in ("test", "instruction") for f in facts for e in f.entities)


@pytest.mark.parametrize("added", [
    "It sounds like the headaches have been really wearing you down, I'm so sorry.",
    "It sounds like a really difficult week, I'm sorry.",
])
def test_it_sounds_like_said_of_the_patients_time_is_no_diagnosis(added):
    facts, _ = extract_facts(added)
    assert not facts, [f.text for f in facts]

