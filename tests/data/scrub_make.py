"""Generate tests/data/scrub_messages.jsonl: portal messages with planted identifiers and medical content.

Run: python tests/data/scrub_make.py. Deterministic (seeded). Each line: {"id", "text", "identifiers":
[{"kind", "text"}], "medical": [strings that must survive scrubbing verbatim]}. Names include some that are
not in the scrubber's name lists (rare given names, surnames) so that recall measures the cue rules too.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

rng = random.Random(20261122)

FIRST = ["Sarah", "John", "Maria", "David", "Priya", "Wei", "Olivia", "James", "Fatima", "Carlos", "Linda", "Kenji",
         "Hannah", "Robert", "Aisha", "Thomas", "Elena", "Brian", "Megan", "Omar", "Theodora", "Bartholomew",
         "Ingrid", "Leopold", "Saoirse", "Thaddeus", "Marisol", "Anselm", "Rosalind", "Cormac"]
LAST = ["Johnson", "Nguyen", "Patel", "Garcia", "Okafor", "Kowalski", "Smith", "Chen", "Rossi", "Hernandez",
        "Brown", "Tanaka", "Mwangi", "Fischer", "Quince", "Vandermeer", "Abernathy", "Lindqvist", "Szabo", "Ferreira"]
RELATIONS = ["wife", "husband", "daughter", "son", "mother", "father", "caregiver", "sister", "partner"]
STREETS = ["Oak", "Maple", "Elm", "Cedar", "Washington", "Lincoln", "Sunset", "Lakeview", "Hillcrest", "Main",
           "Park", "River", "Birch", "Willow", "Highland"]
SUFFIXES = ["Street", "St", "Avenue", "Ave.", "Road", "Rd", "Lane", "Drive", "Blvd", "Court", "Way", "Place"]
CITIES = [("Springfield", "IL"), ("Rochester", "MN"), ("Austin", "TX"), ("Portland", "OR"), ("Madison", "WI"),
          ("Columbus", "OH"), ("Denver", "CO"), ("Raleigh", "NC")]
DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "mail.example.org"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

MEDICAL = [
    ("I take metformin 500 mg twice daily", "metformin 500 mg twice daily"),
    ("my A1c was 7.2 last time", "A1c was 7.2"),
    ("my blood pressure was 142/91 this morning", "142/91"),
    ("the lisinopril 10 mg makes me cough", "lisinopril 10 mg"),
    ("my PSA went from 3.9 to 4.2", "from 3.9 to 4.2"),
    ("I am on warfarin 5 mg and my INR was 3.4", "INR was 3.4"),
    ("atorvastatin 40 mg at night gives me muscle aches", "atorvastatin 40 mg"),
    ("my TSH came back 6.8 mIU/L", "TSH came back 6.8 mIU/L"),
    ("I have been taking ibuprofen 400 mg every 6 hours", "ibuprofen 400 mg every 6 hours"),
    ("my potassium was 5.6", "potassium was 5.6"),
    ("the MRI showed a 2 cm lesion in the left kidney", "2 cm lesion in the left kidney"),
    ("my hemoglobin dropped to 9.1 g/dL", "hemoglobin dropped to 9.1 g/dL"),
    ("I still have chest pain after the stent in March", "chest pain after the stent"),
    ("the prednisone 20 mg taper ends Friday", "prednisone 20 mg taper"),
    ("my eGFR is 48 and creatinine 1.6", "eGFR is 48 and creatinine 1.6"),
    ("I was told to take amoxicillin 875 mg for 10 days", "amoxicillin 875 mg for 10 days"),
    ("my appointment is on 04/18/2025 at 2:30 pm", "04/18/2025 at 2:30 pm"),
    ("my glucose readings are around 180 mg/dL after meals", "180 mg/dL"),
    ("I use albuterol 2 puffs as needed", "albuterol 2 puffs as needed"),
    ("my LDL is 162 despite the diet", "LDL is 162"),
]


def name():
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def phone():
    a, b, c = rng.randint(201, 989), rng.randint(200, 999), rng.randint(1000, 9999)
    return rng.choice([f"({a}) {b}-{c}", f"{a}-{b}-{c}", f"{a}.{b}.{c}", f"+1 {a} {b} {c}", f"{a}{b}{c}",
                       f"1-{a}-{b}-{c}", f"{a} {b} {c}"])


def email(full):
    first, last = full.lower().split()
    user = rng.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}_{last}{rng.randint(1, 99)}", f"{last}{first[0]}"])
    return f"{user}@{rng.choice(DOMAINS)}"


def address():
    num = rng.randint(3, 9899)
    street = f"{num} {rng.choice(['', 'N ', 'S ', 'E ', 'W '])}{rng.choice(STREETS)} {rng.choice(SUFFIXES)}"
    city, state = rng.choice(CITIES)
    form = rng.randint(0, 3)
    if form == 0:
        return street
    if form == 1:
        return f"{street}, Apt {rng.randint(1, 40)}{rng.choice('ABC')}"
    if form == 2:
        return f"{street}, {city}, {state} {rng.randint(10000, 99999)}"
    return f"{street}, {city} {state}"


def dob():
    y, m, d = rng.randint(1930, 2005), rng.randint(1, 12), rng.randint(1, 28)
    return rng.choice([f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{MONTHS[m - 1]} {d}, {y}",
                       f"{d} {MONTHS[m - 1]} {y}"])


def record():
    return rng.choice([f"{rng.randint(10000000, 99999999)}", f"A{rng.randint(1000000, 9999999)}",
                       f"{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(100, 999)}",
                       f"MR{rng.randint(100000, 999999)}"])


def message(i):
    ids = []
    parts = []
    patient = name()
    med, keep = rng.choice(MEDICAL)
    med2, keep2 = rng.choice([m for m in MEDICAL if m[1] != keep])
    greeting = rng.choice([f"Hi Dr. {rng.choice(LAST)},", f"Dear Dr. {rng.choice(LAST)},", "Hello,", "Hi doctor,",
                           f"Good morning Dr. {rng.choice(LAST)},"])
    if "Dr." in greeting:
        ids.append(("name", greeting.split("Dr. ")[1].rstrip(",")))
    parts.append(greeting)
    intro = rng.choice([f"this is {patient}.", f"my name is {patient}.", f"I'm {patient}, your patient.",
                        f"{patient} here."])
    ids.append(("name", patient))
    parts.append(intro)
    # record number and date of birth, in varied phrasing
    if i % 5 != 4:
        r = record()
        parts.append(rng.choice([f"My MRN is {r}.", f"MRN: {r}.", f"(medical record number {r})",
                                 f"Patient ID {r}.", f"My member ID is {r}.", f"Account number {r}."]))
        ids.append(("record", r))
    if i % 4 != 3:
        d = dob()
        parts.append(rng.choice([f"DOB {d}.", f"Date of birth: {d}.", f"I was born on {d}.", f"(DOB: {d})",
                                 f"My birthday is {d}."]))
        ids.append(("dob", d))
    parts.append(f"{med[0].upper()}{med[1:]} and {med2}.")
    if i % 3 != 2:
        rel, relname = rng.choice(RELATIONS), rng.choice(FIRST)
        parts.append(rng.choice([f"My {rel} {relname} will drive me.", f"Please talk to my {rel}, {relname}, if I miss your call.",
                                 f"My {rel} {relname} is worried too."]))
        ids.append(("name", relname))
    if i % 2 == 0:
        p = phone()
        parts.append(rng.choice([f"Call me at {p}.", f"My cell is {p}.", f"You can reach me on {p} after 5.",
                                 f"Phone: {p}"]))
        ids.append(("phone", p))
    if i % 3 != 1:
        e = email(patient)
        parts.append(rng.choice([f"Or email {e}.", f"My email is {e}", f"Send the results to {e} please."]))
        ids.append(("email", e))
    if i % 2 == 1 or i % 7 == 0:
        a = address()
        parts.append(rng.choice([f"I moved to {a}.", f"Please mail the forms to {a}.", f"My address is {a}."]))
        ids.append(("address", a))
    sign = rng.choice([f"Thanks,\n{patient.split()[0]}", f"Sincerely,\n{patient}", f"- {patient.split()[0]}",
                       "Thank you.", f"Best regards,\n{patient}"])
    if "\n" in sign or sign.startswith("- "):
        ids.append(("name", sign.split("\n")[-1].lstrip("- ")))
    text = " ".join(parts) + "\n" + sign
    for kind, value in ids:
        assert value in text, (kind, value, text)
    return {"id": i, "text": text, "identifiers": [{"kind": k, "text": v} for k, v in ids], "medical": [keep, keep2]}


if __name__ == "__main__":
    out = Path(__file__).with_name("scrub_messages.jsonl")
    rows = [message(i) for i in range(120)]
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    counts = {}
    for r in rows:
        for x in r["identifiers"]:
            counts[x["kind"]] = counts.get(x["kind"], 0) + 1
    print(len(rows), "messages;", counts)
