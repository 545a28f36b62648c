"""A synthetic patient-doctor corpus for the training benchmark, generated deterministically.

Terse doctor replies in the style of the HealthCareMagic dialogues the knowledge-and-comfort paper rewrites, in ten
shapes (a new medication with dose, frequency and duration; a lab result and what to do; results pending; a
referral; a switch of drug; an urgent instruction; self-care with a negation; a refill; test preparation), each with
values the fact checker can lose. A first version had only the medication shape: the model trained on it learned to
start every edit with "Take ..." and lost the facts of every other kind of draft. ``python benchmarks/train_corpus.py OUT.jsonl [N]`` writes N dialogues (default 320).
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

# Other shapes of a terse reply, so that the model learns to copy a draft rather than one sentence pattern.
RESULTS = [
    # (test, values with their reading, action)
    ("hemoglobin A1c", [("7.8%", "above your target"), ("6.1%", "in the prediabetes range")], ["Increase metformin to 1000 mg twice a day.", "Walk 30 minutes a day and cut down on sugary drinks."]),
    ("LDL cholesterol", [("165 mg/dL", "high"), ("98 mg/dL", "at goal")], ["Start rosuvastatin 10 mg at night.", "Keep taking atorvastatin 20 mg."]),
    ("TSH", [("6.2", "slightly high"), ("0.2", "low")], ["Repeat the thyroid test in 6 weeks.", "Lower levothyroxine to 75 mcg daily."]),
    ("vitamin D", [("14 ng/mL", "low"), ("22 ng/mL", "a little low")], ["Take vitamin D3 2000 units daily.", "Take vitamin D3 50000 units once a week for 8 weeks."]),
    ("potassium", [("5.6", "high"), ("3.1", "low")], ["Stop the potassium supplement.", "Eat a banana a day and take potassium chloride 20 mEq daily for 5 days."]),
    ("ferritin", [("8 ng/mL", "low")], ["Take ferrous sulfate 325 mg every other day.", "We will check for blood in your stool."]),
    ("creatinine", [("1.6", "higher than last year")], ["Stop ibuprofen and naproxen.", "Drink 2 liters of water a day."]),
]
RETESTS = ["Repeat the test in 3 months.", "We will recheck it in 6 weeks.", "Repeat the blood work in 2 weeks.", "Recheck at your next visit in 4 months."]
PENDING = [
    ("biopsy", ["7 to 10 days", "5 business days"]), ("MRI", ["2 business days", "3 days"]),
    ("blood culture", ["48 hours", "5 days"]), ("pap smear", ["2 weeks", "10 days"]), ("CT scan", ["24 hours", "2 days"]),
]
REFERRALS = [
    ("dermatology", "the mole on my back", ["Bring a list of your medications.", "Take a photo of the mole today so we can compare."]),
    ("cardiology", "my palpitations", ["Wear the heart monitor for 48 hours before the visit.", "Avoid caffeine until then."]),
    ("gastroenterology", "the blood in my stool", ["Stop aspirin until they see you.", "Keep a food diary."]),
    ("orthopedics", "my shoulder", ["Use a sling only when it hurts.", "Avoid lifting more than 5 kg."]),
    ("physical therapy", "my knee", ["Do the quad exercises twice a day.", "Ice it for 15 minutes after activity."]),
    ("neurology", "the numbness in my hand", ["Wear the wrist splint at night.", "Avoid typing for long stretches."]),
]
SWITCHES = [
    ("lisinopril", "a dry cough", "losartan 50 mg once a day", "Check your blood pressure in {w} and send us the readings."),
    ("metformin", "an upset stomach", "metformin extended release 500 mg with dinner", "Check your sugar every morning for {w}."),
    ("atorvastatin", "muscle aches", "pravastatin 40 mg at night", "Repeat the cholesterol test in {w}."),
    ("sertraline", "nausea", "escitalopram 10 mg in the morning", "Book a follow-up visit in {w}."),
    ("amlodipine", "swollen ankles", "chlorthalidone 12.5 mg in the morning", "Check your blood pressure in {w} and send us the readings."),
    ("oxybutynin", "a dry mouth", "mirabegron 25 mg once a day", "Send us a bladder diary after {w}."),
]
URGENT = [
    ("chest pain when I climb stairs", "Chest pain with exertion needs to be checked today", "urgent care", "it comes on at rest or with sweating"),
    ("a very bad headache and a stiff neck", "A severe headache with a stiff neck needs to be seen now", "the emergency room", "you get confused or very sleepy"),
    ("blood in my urine and pain in my side", "Blood in the urine with flank pain needs to be seen today", "urgent care", "you get a fever above 38.5 C"),
    ("a calf that is swollen and painful after a long flight", "A swollen painful calf after a flight can be a clot", "the emergency room", "you get short of breath"),
]
SELF_CARE = [
    ("a sprained wrist", "This sounds like a sprain", ["Rest it, ice it for 20 minutes 3 times a day, and keep it raised.", "Wear the brace during the day for 2 weeks."], "Book a visit if it is not better in 10 days."),
    ("a cold with a runny nose", "This is most likely a viral cold", ["You do not need antibiotics.", "Drink plenty of fluids and take acetaminophen 500 mg every 6 hours if needed."], "Call us if you have a fever for more than 3 days."),
    ("shin pain from running", "This is likely shin splints", ["Stop running for 2 weeks.", "Swim or cycle instead."], "Come in for an X-ray if the pain is in one spot."),
    ("heartburn at night", "This sounds like reflux", ["Do not eat within 3 hours of bedtime.", "Raise the head of your bed by 15 cm."], "Schedule an endoscopy if it is not better in 8 weeks."),
    ("a tension headache", "These sound like tension headaches", ["Take ibuprofen 400 mg up to 3 times a day for no more than 3 days a week.", "Take breaks from the screen every hour."], "Keep a headache diary for 4 weeks."),
]
REFILLS = [("levothyroxine 50 mcg", "90-day"), ("metformin 500 mg", "30-day"), ("lisinopril 10 mg", "90-day"),
           ("albuterol inhaler", "1-month"), ("sertraline 50 mg", "30-day"), ("omeprazole 20 mg", "90-day")]
PREPS = [
    ("colonoscopy", "Start the clear liquid diet the day before and drink the prep at 6 pm.", "Do not eat after midnight."),
    ("fasting blood test", "Do not eat for 10 hours before the test.", "You can drink water and take your usual medicines."),
    ("stress test", "Do not drink coffee for 24 hours before the test.", "Wear comfortable shoes."),
    ("abdominal ultrasound", "Do not eat for 6 hours before the scan.", "Drink 4 glasses of water 1 hour before."),
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
HOURS = ["8 am", "9:30 am", "11 am", "1 pm", "3:15 pm"]


def _medication(rng):
    complaint, extras, drug, doses, freq, follow = rng.choice(CONDITIONS)
    question = f"I have had {complaint} {rng.choice(TIMES)}. {rng.choice(extras)} What should I do?"
    return question, f"Take {drug} {rng.choice(doses)} {freq} for {rng.choice(DURATIONS)}. {follow}"


def _result(rng):
    test, values, actions = rng.choice(RESULTS)
    value, reading = rng.choice(values)
    question = rng.choice([f"I saw my {test} result in the portal. What does it mean?", f"Is my {test} okay?",
                           f"Why was my {test} flagged?"])
    return question, f"Your {test} was {value}, which is {reading}. {rng.choice(actions)} {rng.choice(RETESTS)}"


def _pending(rng):
    test, waits = rng.choice(PENDING)
    question = rng.choice([f"When will my {test} results be back?", f"I have not heard about my {test}. Is something wrong?"])
    return question, f"{test[0].upper() + test[1:]} results take {rng.choice(waits)}. You will get a portal message when they are in."


def _referral(rng):
    specialty, about, preps = rng.choice(REFERRALS)
    question = f"What is the next step for {about}?"
    days = rng.choice(["3 business days", "a week", "2 weeks"])
    yours = about.replace("my ", "your ")
    return question, f"I have referred you to {specialty} for {yours}. They will call you within {days}. {rng.choice(preps)}"


def _switch(rng):
    old, effect, new, follow = rng.choice(SWITCHES)
    question = f"Since I started {old} I have had {effect}. Can I stop it?"
    return question, f"Stop {old}. Start {new}. {follow.format(w=rng.choice(['1 week', '2 weeks', '6 weeks']))}"


def _urgent(rng):
    complaint, need, where, flag = rng.choice(URGENT)
    question = f"I have {complaint}. Should I wait for my appointment?"
    return question, f"{need}. Go to {where} today. If {flag}, call 911."


def _self_care(rng):
    complaint, likely, advice, follow = rng.choice(SELF_CARE)
    question = f"I have had {complaint} {rng.choice(TIMES)}. Do I need to come in?"
    return question, f"{likely}. {' '.join(advice)} {follow}"


def _refill(rng):
    drug, supply = rng.choice(REFILLS)
    question = rng.choice([f"I am almost out of my {drug.split()[0]}. Can you refill it?", f"Can I get a refill of {drug.split()[0]}?"])
    refills = rng.choice(["2 refills", "no refills", "3 refills"])
    return question, f"A {supply} supply of {drug} was sent to your pharmacy today. You have {refills} left."


def _prep(rng):
    test, first, second = rng.choice(PREPS)
    question = f"How do I get ready for my {test}?"
    return question, f"Your {test} is on {rng.choice(DAYS)} at {rng.choice(HOURS)}. {first} {second}"


SHAPES = [_medication, _medication, _result, _pending, _referral, _switch, _urgent, _self_care, _refill, _prep]


def make_corpus(n: int = 320, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    rows, seen = [], set()
    while len(rows) < n:
        question, reply = rng.choice(SHAPES)(rng)
        question = f"{rng.choice(OPENERS)} {question}".strip()
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
