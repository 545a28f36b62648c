"""Collect the sentences the embedded model adds to physician drafts, for labelling the sentence gate.

The model is run the way the product runs it: ``edit_once`` at levels 1-3 (several seeds and
temperatures), the framing prompts of ``empathy.generation.framing`` (first sentence, as ``framed_edit`` keeps
it) and ``generate_reply``. Raw outputs go to benchmarks/results/gate_raw.jsonl (one line per model
call, written as it goes, so a run can be resumed); ``candidates`` splits them into the sentences
that are not in the draft (benchmarks/results/gate_candidates.jsonl), ready to label.

Drafts: ChatDoctor GenMedGPT dev replies whose sha256(id) hex starts with 0-9, a or b only (ids
starting c-f are another engineer's blind set and must stay unseen), the level-0 drafts of
tests/data/scoring_validation.jsonl, and a few multilingual messages written here (the model
answering in the patient's language instead of the draft's).

    EMPATHY_THREADS=1 python benchmarks/gate_collect.py run [--genmed 80] [--budget-min 45]
    EMPATHY_THREADS=1 python benchmarks/gate_collect.py run --extra 60   # second pass, edit_reply-style first tries
    python benchmarks/gate_collect.py candidates
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

from empathy.files import read_jsonl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RAW = ROOT / "benchmarks" / "results" / "gate_raw.jsonl"
CANDIDATES = ROOT / "benchmarks" / "results" / "gate_candidates.jsonl"
GENMED = Path("/work/shared/data/chatdoctor/genmedgpt-dev.jsonl")
VALIDATION = ROOT / "tests" / "data" / "scoring_validation.jsonl"
EPITOME_DIR = Path("/work/shared/data/epitome")

# Patients who write in another language than the physician's draft (or the reverse).
MULTILINGUAL = [
    {"id": "ml-es1", "patient": "Doctor, tengo mucho miedo. Me duele el pecho desde ayer y no puedo dormir. ¿Qué debo hacer?",
     "reply": "Chest pain that lasts more than a day needs to be checked. Please come to the clinic today for an ECG."},
    {"id": "ml-es2", "patient": "Estoy preocupada por los resultados de mi análisis de sangre. ¿Ya están listos?",
     "reply": "Your blood count is normal. The cholesterol is slightly high at 215, and we can discuss diet at your next visit."},
    {"id": "ml-fr1", "patient": "Bonjour docteur, j'ai très mal au dos depuis une semaine et je suis épuisé. Que faire ?",
     "reply": "Back pain for a week without numbness is usually muscular. Take ibuprofen 400 mg three times a day with food."},
    {"id": "ml-de1", "patient": "Ich habe seit drei Tagen Fieber und Husten und mache mir große Sorgen um meine Lunge.",
     "reply": "A cough with fever for three days is most often viral. If the fever goes above 39 C or you get short of breath, call us."},
    {"id": "ml-es3", "patient": "My mother was diagnosed with diabetes and I am scared about what this means for her.",
     "reply": "La diabetes tipo 2 se controla bien con metformina 500 mg dos veces al día y una dieta baja en azúcar. Revisaremos su HbA1c en tres meses."},
    {"id": "ml-fr2", "patient": "I'm worried about the mole on my arm that changed color.",
     "reply": "Un grain de beauté qui change de couleur doit être examiné. Je vous envoie chez le dermatologue cette semaine."},
    {"id": "ml-it1", "patient": "Dottore, mio figlio ha la febbre alta da due giorni e non mangia. Sono molto preoccupata.",
     "reply": "A child with a high fever for two days who is not eating should be seen today. Give paracetamol by weight and bring him in this afternoon."},
    {"id": "ml-pt1", "patient": "Doutor, estou com muita ansiedade e não consigo dormir há semanas.",
     "reply": "Weeks of poor sleep with anxiety deserve a proper visit. Let's book 30 minutes next week to talk about options."},
]


# Clinician framing written for specific patients (label ok unless noted), keyed by draft id.
WRITTEN = {
    "gm1442": ["I can tell how unsettling it is to feel this anxious and restless, and I'm glad you told me about it.",
               "Thank you for being so open with me about the drug use; that is not easy to share."],
    "gm1933": ["I'm sorry your neck has been hurting so much.", "Please tell me if the pain in your neck gets worse while we sort this out."],
    "gm2062": ["Teething can be exhausting for both of you, and it's good that you asked.", "I know how hard it is to watch your baby be uncomfortable."],
    "kid_fever-L0": ["Two days of fever in a little one is worrying, and you were right to write.", "I understand how hard it is to see your child unwell."],
    "gm780": ["Headaches, dizziness and vomiting together must have been frightening.", "I'm sorry you have been feeling so unwell."],
    "gm284": ["Weakness in your arms and hands can make everyday tasks hard, and I'm glad you reached out."],
    "gm241": ["Thank you for telling me about something so personal.", "I can imagine how alarming it was to see blood, and I'm glad you wrote to me."],
    "gas-L0": ["It is not a silly question at all, and I'm glad you asked.", "Please keep asking me about anything that feels off with the new medicine."],
    "gm1382": ["Bleeding and pain during pregnancy must be very worrying for you.", "I know this is an anxious time, and I'm here to help you through it."],
    "sugar-L0": ["I can see how discouraging it is to get a high reading when you have been following the diet so carefully.",
                 "You have been working hard on your diet, and that effort matters."],
    "gm2138": ["I'm sorry the pain in your back and hip has been wearing you down.", "Living with this stiffness every day sounds exhausting."],
    "gm711": ["Thank you for trusting me with something so personal.", "I understand this is difficult to talk about, and I'm glad you did."],
    "gm481": ["Cramps and back pain that go on for a while are draining, and I'm sorry you've been dealing with them."],
    "knee-L0": ["It's completely understandable to feel nervous before a knee replacement.", "I know you are eager to be back on your feet."],
    "pregnant-L0": ["I can only imagine how frightening it was to see spotting, and I'm so glad you wrote to me right away.",
                    "Your fear makes complete sense, and I'm here with you."],
    "gm2154": ["Feeling tightness in your chest for so long must be very unsettling.", "I'm sorry breathing has been such a struggle."],
    "statin-L0": ["It's good that you are asking questions about your medicines.", "I appreciate you telling me your doubts openly."],
    "gm1151": ["Feeling short of breath and tired all the time is hard, and I'm glad you reached out."],
    "gm1921": ["Hot flashes and a dry mouth can be really uncomfortable, and I'm sorry you've been dealing with them."],
    "gm1581": ["I know how disruptive it is to need the bathroom so often.", "Thank you for telling me about this; it is a common concern."],
    "chest-L0": ["With your dad's history, I completely understand why the tightness in your chest scared you.",
                 "Thank you for writing to me so quickly about this."],
    "surgery_anxious-L0": ["Feeling nervous before a first operation is very natural.", "It's completely understandable to worry about waking up from anesthesia."],
    "gm783": ["Seeing blood in your urine must have been frightening.", "I know the waiting and wondering is hard."],
    "gm369": ["I'm sorry you've been feeling weak and having headaches these past days."],
    "copd_alone-L0": ["Being alone at night when your breathing is worse must be really frightening.", "I'm glad you let me know how scared you've been."],
    "gm1626": ["An open wound in your nose sounds very uncomfortable, and I'm sorry you're dealing with it."],
    "gm472": ["Ear pain, ringing and nausea together can be miserable, and I'm sorry you are going through this."],
    "thyroid-L0": ["I understand that an abnormal result can feel unsettling.", "It makes sense to feel nervous when a test comes back abnormal."],
    "gm2064": ["Losing your hair can be very upsetting, and I'm glad you came to me about it.", "I understand how much this can affect how you feel about yourself."],
    "gm559": ["I know it's a lot to take in after being told you have a nerve problem."],
    "gout-L0": ["I'm sorry you are in so much pain, and a second attack in one month is really frustrating.", "Not being able to walk is miserable, and I want to help you get through this flare."],
    "gm459": ["A high fever with sharp belly pain must have you feeling awful."],
    "pain_meds-L0": ["I hear you, and I'm sorry you have felt dismissed.", "Your pain is real, and I take what you are telling me seriously."],
    "std-L0": ["Thank you for trusting me with this.", "I understand wanting to keep this private for now, and I respect that."],
    "biopsy-L0": ["It's completely natural to feel afraid before a biopsy.", "I'm glad you asked me about this instead of worrying alone."],
    "depress-L0": ["I'm so sorry you have been feeling this low since your heart attack.", "Thank you for telling me; losing joy in things is important for me to know."],
    "hypertension-L0": ["You did the right thing by checking your blood pressure and telling me.", "I appreciate you keeping track of your readings at home."],
    "gm1674": ["Itching, headache and chest pain all at once sound exhausting, and I'm sorry you're going through it."],
    "gm2046": ["Thank you for sharing how hard it has been to communicate with others.", "It takes courage to raise this, and I'm glad you did."],
    "gm424": ["Hearing voices and feeling confused can be very frightening, and I'm glad you told me.", "You did the right thing by reaching out about this."],
    "mammo-L0": ["I know how hard it is to stop thinking about a callback.", "Waiting for more pictures can be nerve-racking, and your worry is completely understandable."],
    "gm1554": ["I'm glad you reached out quickly about this."],
    "wait_spec-L0": ["I'm sorry you have to wait so long while you are in pain every day.", "I understand how frustrating this wait is."],
    "embarr-L0": ["Thank you for telling me about this; it is nothing to be embarrassed about.", "Many people have this after prostate surgery, and I'm glad you brought it up."],
    "psa-L0": ["I'm sorry the wait for your PSA results is costing you sleep.", "Waiting for results can be really hard, and your worry makes sense."],
    "gm1966": ["I know these changes can affect how you feel about yourself, and I'm glad you wrote to me."],
    "gm66": ["A bump that keeps growing and hurting is understandably worrying."],
    "hiv-L0": ["I can hear how frightened you are after the needle-stick.", "Panicking after something like this is completely understandable."],
    "gm1632": ["I know these symptoms must be worrying, and I'm here to help you through the next steps."],
    "insomnia-L0": ["Weeks without proper sleep wear anyone down, and I'm sorry it is affecting your work.", "I'm glad you asked for help with your sleep."],
    "lab_lost-L0": ["I'm sorry the lab lost your sample; being stuck again is frustrating.", "Your annoyance is completely fair."],
    "dementia-L0": ["I'm so sorry your mom no longer recognizes you; that is a heartbreaking loss to live with.", "Caring for a parent with memory loss is very hard, and your sadness makes sense."],
    "mri_wait-L0": ["I'm sorry you waited three weeks without hearing from anyone.", "Waiting that long for results would make anyone anxious."],
    "gm1782": ["Feeling tired and dizzy for a long time is draining, and I'm glad you reached out."],
    "refill-L0": ["I'm sorry you had to ask three times for your refill.", "I understand how stressful it is to be running out of your pills."],
    "weight-L0": ["I'm sorry the weight gain has made you feel embarrassed to go out.", "Thank you for telling me how this is affecting you."],
    "gm999": ["Itching, rashes and trouble breathing all together sound very distressing."],
    "gm1043": ["I'm sorry these headaches have been so awful, especially when ibuprofen isn't helping."],
    "migraine-L0": ["I understand how frustrating it is when treatment after treatment doesn't work.", "You have been patient through a lot of trial and error, and I appreciate it."],
    "secop-L0": ["Wanting a second opinion is completely reasonable.", "I respect your wish to be sure about your MRI."],
    "bill-L0": ["I'm sorry about the unexpected bill; I understand why you are upset.", "A surprise bill like that is stressful, and your frustration makes sense."],
    "gm1177": ["I know rectal bleeding can be alarming, and I'm glad you wrote to me about it."],
    "vaccine-L0": ["It makes sense to have questions after hearing about your neighbor.", "Thank you for telling me about your doubts."],
    "gm1640": ["I'm glad you told me about these thoughts; feeling out of touch with reality can be very scary."],
    "gm827": ["A mole that changes is worth checking, and I'm glad you brought it to me."],
    "asthma-L0": ["I'm sorry you've been feeling short of breath so often.", "Being tired of your symptoms is understandable, and I want to help."],
    "ml-it1": ["I understand how worried you are about your son."],
    "ml-es3": ["I can hear how worried you are about your mother."],
    "allergy-L0": ["Breaking out in hives is unpleasant, and you were right to ask."],
    "backpain-L0": ["I'm sorry your back pain is back, and I understand why you are fed up."],
    "ibs-L0": ["I'm sorry your stomach keeps getting in the way of your plans.", "Having to cancel things again and again is really discouraging."],
    "mole-L0": ["Finding a new dark mole is frightening, and I'm glad you reached out right away."],
    "rash-L0": ["Two weeks of an itchy rash is miserable, and I'm sorry the cream hasn't helped."],
    "gm1551": ["It's frustrating when cramps keep getting in the way of your sport."],
    "gm1574": ["Days of vomiting wear you out, and I'm sorry you're going through this."],
    "glasses-L0": ["Thank you for checking in about your eye exam."],
    "gm1661": ["I can hear how frightening this is for you."],
    "kidney-L0": ["I understand how worrying it is to hear that your kidney function dropped.", "It's natural to think about dialysis when you see a lower number, and I'm glad you asked."],
    "gm98": ["Bumps that won't go away are frustrating, and I'm glad you asked about them."],
    "gm41": ["Heavy bleeding and pelvic pain can take a real toll, and I'm sorry you've been dealing with them."],
    "gm2097": ["Thank you for telling me about something so personal."],
    "gm2343": ["Thank you for being honest with me; the months after having a baby can be very hard.", "Feeling down after a baby is more common than many people think, and I'm glad you told me."],
    "chemo-L0": ["It is completely natural to be afraid of losing your hair and feeling sick.", "Starting chemo is a lot to face, and I'm here with you."],
    "grief-L0": ["I'm so sorry about your wife.", "Not being able to sleep or eat after such a loss is very hard, and I'm glad you reached out."],
    "gm2312": ["Difficulty speaking together with vomiting must be very frightening."],
    "ml-fr1": ["I'm sorry your back has been hurting so much for a week."],
    "gm1221": ["Bleeding in your mouth can be alarming, and I'm glad you wrote."],
    "ml-es1": ["I can see how frightened you are about the pain in your chest."],
    "ml-pt1": ["I'm sorry that anxiety has kept you from sleeping for weeks."],
}

# EPITOME sentences (Sharma et al. 2020; peer replies on Reddit), picked by reading: rp_id -> sentences.
EPITOME = {
    "emotional-reactions": {
        "d15o49u": ["I'm sorry you're feeling this way."], "dt4vrh6": ["I'm sorry for your pain."],
        "e1l0sjl": ["Sorry to hear you have felt this way for so long."], "dsymyiv": ["I'm sorry you're feeling unwell."],
        "dwang8n": ["I am so sorry you are experiencing this."], "d9gl1xo": ["I'm sorry your situation at home is so difficult."],
        "ed4juv3": ["I'm sorry you're feeling lonely."], "ehijpb3": ["Sorry to hear you have been going through a rough time."],
        "dyo4zyc": ["I'm sorry your birthday is going less well than you hoped.", "I'm open to talk whenever you like."],
        "d69dxbj": ["I'm really sorry you're feeling this way."], "d2uu0fb": ["I'm sorry to hear about your dog."],
        "eeeurbx": ["I'm sorry you have to deal with that toxic kind of person."], "dr83zli": ["Obviously a very painful experience."],
        "e6se7v7": ["Let me know if you want to chat, I will listen."], "dvs0imv": ["I hope things get better for you soon."],
        "e2lxib6": ["We are here for you."], "d017cbf": ["I'm here if you want to talk."],
        "do3m7i3": ["I'm sorry dude."], "e1md4z0": ["I'm really sorry you feel that way mate."],
        "dzb2raa": ["Im sorry youre going through this OP."], "dvzg5ct": ["Sorry to hear that man."], "e6nntse": ["so sorry my friend."],
        "drbiene": ["sorry man."], "dppako8": ["Im so so sorry for your lose! *big big hugs*"],
        "dycm9s6": ["Sorry to hear tha"], "dqqrx2h": ["really sorry for how feeling right now"], "e68n297": ["so sorry hurting so much."],
        "eceqqc8": ["I am not real hopeful about it getting better for me anytime soon, but I really hope it does for you."],
    },
    "interpretations": {
        "dsou6wt": ["Sometimes when i take a mood enhancer it leaves me void of emotion as well."],
        "e3m8fh0": ["My mind is foggy pretty much 24/7."],
        "dgky9gw": ["I get horribly depressed every Spring so I feel like my brain is wired backward."],
        "dvz36bm": ["I look in the mirror and only see sad, dead eyes looking back."],
        "dqtcz0d": ["For me, it's a strange feeling because I'm constantly on the verge of the tears but if I try and let myself cry, I can't."],
        "e45b2k5": ["I've gone through an existential crisis as well."], "dsodbey": ["Mirtazapine makes me incredibly sleepy."],
        "dafzbcp": ["I deal with the severe depression as it occurs and try to enjoy the times when it's milder."],
        "ecmw1qc": ["I want to help you, but I'm just as depressed and struggling."],
        "dzj1g3n": ["My mind always starts thinking a bunch of things too."], "e70g82r": ["I want to let so much out."],
        "d07n05c": ["Yes, I sometimes have that type of pain."], "eduffug": ["Yeah I feel that way too."], "e1ye8tc": ["I'm kind of the same."],
        "drjwgz4": ["For myself, I need frequent change or things get stagnant and I get frustrated."],
        "czwp79y": ["You must be going through so much with the world being unready to accept you yet."],
        "d2fde40": ["Sounds like you're in the midst of an episode."], "di0mjve": ["I know what you mean."],
    },
}

# The curated bank of empathy.generation.framing, each sentence attached to a validation draft whose patient fits it.
BANK_DRAFTS = {
    "fear": ["pregnant-L0", "chest-L0", "biopsy-L0"], "anxiety": ["psa-L0", "thyroid-L0", "mammo-L0"],
    "embarrassment": ["embarr-L0", "std-L0", "weight-L0"], "frustration": ["wait_spec-L0", "lab_lost-L0", "migraine-L0"],
    "distrust": ["statin-L0", "secop-L0", "vaccine-L0"], "sadness": ["grief-L0", "dementia-L0", "depress-L0"],
    "none": ["glasses-L0", "allergy-L0", "hypertension-L0"], "validations": ["copd_alone-L0", "chemo-L0", "hiv-L0"],
    "closers": ["kidney-L0", "asthma-L0", "insomnia-L0", "rash-L0"],
}


def allowed_id(draft_id: str) -> bool:
    """Outside the blind set another engineer holds: sha256(id) hex starts with 0-9, a or b."""
    return hashlib.sha256(draft_id.encode()).hexdigest()[0] in "0123456789ab"


def drafts(n_genmed: int, seed: int = 7) -> list[dict]:
    rows = read_jsonl(GENMED)
    rows = [r for r in rows if allowed_id(r["id"]) and 40 <= len(r["reply"]) <= 700]
    random.Random(seed).shuffle(rows)
    out = [{"id": r["id"], "patient": r["patient"], "reply": r["reply"], "corpus": "genmed"} for r in rows[:n_genmed]]
    for line in VALIDATION.open():
        r = json.loads(line)
        if r["kind"] == "graded" and r["level"] == 0:
            out.append({"id": r["id"], "patient": r["patient"], "reply": r["reply"], "corpus": "validation"})
    out += [dict(r, corpus="multilingual") for r in MULTILINGUAL]
    # Mixed order, so a run cut short by its time budget still covers every corpus (first two: the earliest run).
    head, rest = out[:2], out[2:]
    random.Random(seed).shuffle(rest)
    return head + rest


def _calls(i: int, extra: bool = False) -> list[tuple[str, dict]]:
    """The model calls for the i-th draft: varied levels, seeds and temperatures.

    ``extra``: a second pass as ``edit_reply`` makes its first try (default temperature 0.3, the patient's
    emotions in the prompt), one per draft, levels cycling 1-3: the product's own first tries.
    """
    rng = random.Random(1000 + i)
    if extra:
        return [("edit", {"level": 1 + i % 3, "seed": rng.randrange(10_000), "temperature": 0.3, "emotions": True})]
    calls = []
    for k in range(2):
        calls.append(("edit", {"level": 1 + (i + k) % 3, "seed": rng.randrange(10_000), "temperature": rng.choice([0.3, 0.7, 1.0])}))
    for k in range(3):
        calls.append(("open", {"seed": rng.randrange(10_000), "temperature": 0.8}))
    for k in range(2):
        calls.append(("close", {"seed": rng.randrange(10_000), "temperature": 0.8}))
    if i % 2 == 0:
        calls.append(("generate", {"level": 1 + i % 3, "seed": rng.randrange(10_000), "temperature": 0.7}))
    return calls


def run(args) -> None:
    from empathy.backends import GenerationOptions, get_backend
    from empathy.config import Settings
    from empathy.generation import edit_once, generate_reply
    from empathy.generation.concern import extract_concern
    from empathy.generation.framing import first_framing_sentence
    from empathy.generation.framing import framing_emotions as patient_emotions
    from empathy.prompts import framing_messages

    backend = get_backend(Settings.from_env())
    done = set()
    if RAW.exists():
        done = {(r["draft_id"], r["call"]) for r in map(json.loads, RAW.open())}
    start = time.time()
    with RAW.open("a") as out:
        for i, d in enumerate(drafts(args.genmed)):
            emotions = None
            if args.extra and d["corpus"] == "genmed" and i >= args.extra:
                continue
            for n, (kind, p) in enumerate(_calls(i, bool(args.extra))):
                key = f"{kind}-{n}" + ("-x" if args.extra else "")
                if (d["id"], key) in done:
                    continue
                if time.time() - start > args.budget_min * 60:
                    print("budget spent", file=sys.stderr)
                    return
                t = time.time()
                if kind == "edit":
                    if p.get("emotions") and emotions is None:
                        emotions = patient_emotions(d["patient"])
                    hint = [e for e in emotions if e != "none"] or None if p.get("emotions") else None
                    r = edit_once(d["patient"], d["reply"], p["level"], backend=backend, seed=p["seed"], temperature=p["temperature"],
                                  emotions=hint)
                    raw, text = r.raw_text, r.text
                elif kind == "generate":
                    r = generate_reply(d["patient"], p["level"], backend=backend, seed=p["seed"], temperature=p["temperature"])
                    raw, text = r.raw_text, r.text
                else:
                    if emotions is None:
                        emotions = patient_emotions(d["patient"])
                    # the framing prompt of empathy.prompts (one prompt, a slot per call; the labels were collected with
                    # its earlier open/close form)
                    msgs = framing_messages(d["patient"], kind, extract_concern(d["patient"]).summary(),
                                            ", ".join(e for e in emotions if e != "none") or "none stated")
                    done_ = backend.complete(msgs, GenerationOptions(max_tokens=48, temperature=p["temperature"], seed=p["seed"],
                                                                     repeat_penalty=1.3))
                    raw, text = done_.text, first_framing_sentence(done_.text)
                out.write(json.dumps({"draft_id": d["id"], "corpus": d["corpus"], "patient": d["patient"], "draft": d["reply"],
                                      "call": key, "kind": kind, **p, "raw": raw, "text": text,
                                      "seconds": round(time.time() - t, 2)}) + "\n")
                out.flush()
            print(f"{i + 1} drafts, {time.time() - start:.0f} s", file=sys.stderr)


def candidates(args) -> None:
    """Every sentence a model call added (not in its draft), deduplicated per draft."""
    from empathy.generation.gate import added_sentences

    seen, n = set(), 0
    with CANDIDATES.open("w") as out:
        for r in map(json.loads, RAW.open()):
            source = r["kind"] if r["kind"] in ("open", "close", "generate") else f"edit-L{r['level']}"
            if r.get("emotions"):  # the second pass: first tries as edit_reply makes them
                source = f"firsttry-L{r['level']}"
            source = {"open": "frame-open", "close": "frame-close"}.get(source, source)
            for s in added_sentences(r["text"], r["draft"]):
                key = (r["draft_id"], s.lower())
                if key in seen:
                    continue
                seen.add(key)
                n += 1
                out.write(json.dumps({"text": s, "patient": r["patient"], "draft": r["draft"], "draft_id": r["draft_id"],
                                      "source": f"model-{source}"}) + "\n")
        for r in positives():
            if (r["draft_id"], r["text"].lower()) not in seen:
                seen.add((r["draft_id"], r["text"].lower()))
                n += 1
                out.write(json.dumps(r) + "\n")
    print(f"{n} candidate sentences -> {CANDIDATES}")


def positives() -> list[dict]:
    """Sentences not from the model: written framing, the curated bank, EPITOME peer replies."""
    import csv

    from empathy.generation.bank import CLOSERS, OPENERS, VALIDATIONS

    by_id = {d["id"]: d for d in drafts(10_000)}
    out = []
    for draft_id, sentences in WRITTEN.items():
        d = by_id[draft_id]
        out += [{"text": s, "patient": d["patient"], "draft": d["reply"], "draft_id": draft_id, "source": "written"} for s in sentences]
    pools = dict(OPENERS, validations=VALIDATIONS, closers=CLOSERS)
    for key, ids in BANK_DRAFTS.items():
        for i, s in enumerate(pools[key]):
            d = by_id[ids[i % len(ids)]]
            out.append({"text": s, "patient": d["patient"], "draft": d["reply"], "draft_id": d["id"], "source": "bank"})
    for mechanism, picks in EPITOME.items():
        posts = {r["rp_id"]: r["seeker_post"] for r in csv.DictReader(open(EPITOME_DIR / f"{mechanism}.csv"))}
        for rp_id, sentences in picks.items():
            out += [{"text": s, "patient": posts[rp_id], "draft": "", "draft_id": f"epitome-{rp_id}", "source": "epitome"}
                    for s in sentences]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("step", choices=["run", "candidates"])
    ap.add_argument("--genmed", type=int, default=80)
    ap.add_argument("--budget-min", type=float, default=45)
    ap.add_argument("--extra", type=int, default=0, help="second pass: edit_reply-style first tries on the drafts among the first N")
    args = ap.parse_args()
    {"run": run, "candidates": candidates}[args.step](args)


if __name__ == "__main__":
    main()
