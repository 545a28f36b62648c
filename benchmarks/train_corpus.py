"""A synthetic patient-doctor corpus for the training benchmark, generated deterministically.

Terse doctor replies in the style of the HealthCareMagic dialogues the knowledge-and-comfort paper rewrites: each
has a medication with a dose, frequency and duration, and a follow-up instruction or test, so the fact checker has
something to lose. ``python benchmarks/train_corpus.py OUT.jsonl [N]`` writes N dialogues (default 320).
"""

from __future__ import annotations

import json
import random
import sys

CONDITIONS = [
    # (complaint, question variants, drug, doses, frequency, follow-up)
    ("a sore throat", ["It hurts to swallow.", "I also have a mild fever."], "amoxicillin", ["500 mg", "875 mg"], "twice a day", "Come back if you cannot swallow liquids."),
    ("lower back pain", ["It started after lifting boxes.", "It is worse in the morning."], "ibuprofen", ["400 mg", "600 mg"], "every 8 hours with food", "Book a physiotherapy appointment if it lasts more than 2 weeks."),
    ("a dry cough", ["It keeps me up at night.", "I don't have a fever."], "dextromethorphan", ["15 mg", "30 mg"], "every 6 hours", "Get a chest X-ray if the cough lasts more than 3 weeks."),
    ("burning when I pee", ["I need to go all the time.", "There is no blood."], "nitrofurantoin", ["100 mg"], "twice a day", "Drop off a urine sample at the lab tomorrow."),
    ("heartburn", ["It is worse after dinner.", "Antacids only help a little."], "omeprazole", ["20 mg", "40 mg"], "once a day before breakfast", "Schedule an endoscopy if it does not improve in 8 weeks."),
    ("itchy eyes and sneezing", ["It happens every spring.", "My nose is always runny."], "cetirizine", ["10 mg"], "once a day", "See an allergist if it does not improve in 4 weeks."),
    ("high blood pressure readings at home", ["My readings were around 150 over 95.", "I feel fine otherwise."], "amlodipine", ["5 mg", "10 mg"], "once a day", "Check your blood pressure every morning and bring the log to your visit in 4 weeks."),
    ("trouble sleeping", ["I wake up at 3 am every night.", "I feel exhausted during the day."], "melatonin", ["3 mg", "5 mg"], "30 minutes before bed", "Keep a sleep diary and bring it to your appointment in 3 weeks."),
    ("a red swollen toe", ["It came on overnight.", "It is very painful to touch."], "colchicine", ["0.5 mg"], "twice a day", "Have a uric acid blood test next week."),
    ("migraines", ["They come about twice a week.", "Light makes them worse."], "sumatriptan", ["50 mg", "100 mg"], "at the start of a migraine, at most twice in 24 hours", "Keep a headache diary and book a follow-up in 6 weeks."),
    ("a fungal rash between my toes", ["It is itchy and peeling.", "I go to the gym a lot."], "terbinafine cream", ["1%"], "twice a day", "Come back if it spreads to your nails."),
    ("constipation", ["I go only twice a week.", "It has been like this for a month."], "polyethylene glycol", ["17 g"], "once a day in a glass of water", "Get a blood test for thyroid function."),
    ("ear pain", ["My ear feels blocked.", "It started after a cold."], "amoxicillin", ["500 mg"], "three times a day", "Come back if you notice discharge from the ear."),
    ("anxiety attacks", ["My heart races and I can't breathe.", "They happen at work."], "sertraline", ["25 mg", "50 mg"], "once a day", "Book a follow-up visit in 4 weeks to review how you are doing."),
    ("acne on my face", ["Over-the-counter washes did not help.", "It leaves marks."], "doxycycline", ["100 mg"], "once a day", "Use sunscreen daily and come back in 12 weeks."),
    ("a sinus infection", ["My face hurts when I bend over.", "The green mucus has lasted 10 days."], "amoxicillin-clavulanate", ["875 mg"], "twice a day", "Use saline rinses and call if the fever goes above 39 C."),
    ("a swollen ankle after a twist", ["I can walk but it hurts.", "It is bruised on the side."], "naproxen", ["250 mg", "500 mg"], "twice a day with food", "Get an X-ray if you still cannot bear weight in 5 days."),
    ("low iron on my blood test", ["I feel tired all the time.", "My periods are heavy."], "ferrous sulfate", ["325 mg"], "once a day", "Repeat the blood count in 8 weeks."),
    ("cold sores", ["They come back every few months.", "One is starting now."], "valacyclovir", ["2 g"], "twice a day", "Start the medicine at the first tingle next time."),
    ("a urinary leak when I cough", ["It started after my second child.", "It is getting worse."], "pelvic floor exercises", ["10 repetitions"], "three times a day", "Book a pelvic floor physiotherapy appointment."),
    ("nausea from my new medication", ["It is worst in the morning.", "I have not vomited."], "ondansetron", ["4 mg"], "every 8 hours as needed", "Call us if you cannot keep fluids down for 24 hours."),
    ("knee pain when climbing stairs", ["There is a clicking sound.", "I am 52."], "diclofenac gel", ["1%"], "four times a day on the knee", "Book an X-ray of the knee."),
    ("a painful rash on one side of my chest", ["It is in a band.", "It burns."], "valacyclovir", ["1 g"], "three times a day", "Come back if the rash reaches your eye."),
    ("pink eye", ["My eye is crusty in the morning.", "It started yesterday."], "chloramphenicol eye drops", ["0.5%"], "four times a day", "Come back if your vision becomes blurry."),
    ("high cholesterol on my labs", ["My LDL was 190.", "My father had a heart attack."], "atorvastatin", ["20 mg", "40 mg"], "once a day", "Repeat the lipid panel in 12 weeks."),
]
DURATIONS = ["5 days", "7 days", "10 days", "2 weeks", "4 weeks"]
OPENERS = ["Hi doctor,", "Hello,", "Doctor,", "Hi,", ""]
TIMES = ["for 2 days", "for 3 days", "for a week", "for 10 days", "for 2 weeks", "since yesterday", "for a month"]


def make_corpus(n: int = 320, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows, seen = [], set()
    while len(rows) < n:
        complaint, extras, drug, doses, freq, follow = rng.choice(CONDITIONS)
        opener, when, extra = rng.choice(OPENERS), rng.choice(TIMES), rng.choice(extras)
        dose, duration = rng.choice(doses), rng.choice(DURATIONS)
        question = f"{opener} I have had {complaint} {when}. {extra} What should I do?".strip()
        reply = f"Take {drug} {dose} {freq} for {duration}. {follow}"
        if (question, reply) in seen:
            continue
        seen.add((question, reply))
        rows.append({"id": f"syn-{len(rows) + 1:04d}", "patient": question, "doctor": reply})
    return rows


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "train_corpus.jsonl"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 320
    with open(out, "w", encoding="utf-8") as f:
        for row in make_corpus(n):
            f.write(json.dumps(row) + "\n")
    print(f"wrote {n} dialogues to {out}")
