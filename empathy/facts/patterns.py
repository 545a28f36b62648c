"""The regular expressions and unit tables that find clinical entities: numbers, doses, frequencies, times,
instructions and advice. Data, not logic: :mod:`empathy.facts.extract` applies them.
"""

from __future__ import annotations

import re

# Entity kinds. "Strong" kinds make a clause a clinical fact; weak ones only qualify a fact.
ANCHOR_KINDS = ("drug", "test", "condition", "term", "referral", "instruction", "reassurance")
VALUE_KINDS = ("dose", "measure", "number", "duration", "frequency", "time", "finding", "side")
LAB_TESTS = {"psa", "cbc", "metabolic panel", "bmp", "cmp", "lipid panel", "a1c", "tsh", "thyroid panel", "ferritin",
             "iron studies", "vitamin d level", "creatinine", "kidney function test", "liver function test", "inr", "cholesterol",
             "ldl", "hdl", "triglycerides", "hemoglobin", "platelets", "white blood cell count", "blood sugar", "testosterone level",
             "vitamin b12 level", "hormone panel", "potassium level", "sodium level", "fasting glucose", "glucose test", "blood test"}
MED_ACTIONS = {"take", "start", "stop", "continue", "increase", "decrease"}
STRONG_KINDS = set(ANCHOR_KINDS) | {"dose", "measure", "number", "duration", "frequency"}

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                 "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
                 "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a hundred": 100, "hundred": 100,
                 "a dozen": 12, "a": 1, "an": 1, "a single": 1, "half": 0.5, "a half": 0.5, "a couple of": 2,
                 "a couple": 2, "a few": "few", "several": "several", "few": "few"}
NUM = r"(?:\d+(?:\.\d+)?|\.\d+|(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-(?:one|two|three|four|five|six|seven|eight|nine)|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|one|two|three|four|five|six|seven|eight|nine|ten|a hundred|hundred|a dozen|a couple of|a few|several|a single|a half|half|an|a)(?![a-z]))"
DOSE_UNITS = {"mg": "mg", "milligram": "mg", "milligrams": "mg", "mcg": "mcg", "µg": "mcg", "microgram": "mcg",
               "micrograms": "mcg", "g": "g", "gram": "g", "grams": "g", "ml": "ml", "milliliter": "ml", "milliliters": "ml",
               "cc": "ml", "unit": "unit", "units": "unit", "iu": "iu", "tablet": "tablet", "tablets": "tablet",
               "tab": "tablet", "tabs": "tablet", "pill": "tablet", "pills": "tablet", "capsule": "capsule",
               "capsules": "capsule", "puff": "puff", "puffs": "puff", "drop": "drop", "drops": "drop",
               "teaspoon": "tsp", "teaspoons": "tsp", "tsp": "tsp", "tablespoon": "tbsp", "tablespoons": "tbsp", "patch": "patch"}
MEASURE_UNITS = {"%": "%", "percent": "%", "mg/dl": "mg/dl", "mmol/l": "mmol/l", "ng/ml": "ng/ml", "ng/dl": "ng/dl",
                  "mmhg": "mmhg", "bpm": "bpm", "kg": "kg", "kilograms": "kg", "lb": "lb", "lbs": "lb", "pounds": "lb",
                  "cm": "cm", "mm": "mm", "degrees": "deg", "°f": "deg", "°c": "deg", "f": "deg", "miu/l": "miu/l",
                  "u/l": "u/l", "g/dl": "g/dl", "ounces": "oz", "oz": "oz", "liters": "l", "litres": "l", "cups": "cup",
                  "glasses": "glass", "steps": "step", "minutes a day": "min/day"}
DURATION_UNITS = {"fortnight": "fortnight", "second": "second", "minute": "minute", "hour": "hour", "hr": "hour", "day": "day", "week": "week",
                   "wk": "week", "month": "month", "year": "year", "yr": "year"}
FREQ = [
    (r"\b(?:four times|4 times)\s+(?:a|per|each)\s+day\b|\bfour times daily\b|\bqid\b|\bevery 6 hours\b", "4/day"),
    (r"\b(?:three times|3 times)\s+(?:a|per|each)\s+day\b|\bthree times daily\b|\btid\b|\bevery 8 hours\b", "3/day"),
    (r"\b(?:twice|two times|2 times)\s+(?:a|per|each)\s+day\b|\btwice daily\b|\bbid\b|\bevery 12 hours\b|\bmorning and (?:evening|night)\b", "2/day"),
    (r"\b(?:three times|3 times)\s+(?:a|per|each)\s+week\b", "3/week"),
    (r"\b(?:twice|two times|2 times)\s+(?:a|per|each)\s+week\b", "2/week"),
    (r"\bevery other day\b|\balternate days\b", "0.5/day"),
    (r"\bevery (\d+|two|three|four|six|eight|twelve) (hour|day|week|month|year)s?\b", "every"),
    (r"\b(?:once|one time)\s+(?:a|per|each)\s+day\b|\bonce daily\b|\bdaily\b(?! (?:life|lives|living|routine|activities|tasks|chores))|\bevery day\b|\beach day\b|\bqd\b|\ba day\b|\bper day\b|\bday by day\b", "1/day"),
    (r"\b(?:once|one time)\s+(?:a|per|each)\s+week\b|\bweekly\b|\bevery week\b|\beach week\b|\bper week\b|(?<!for )(?<!in )(?<!within )\ba week\b(?=[^a-z]*$)", "1/week"),
    (r"\b(?:once|one time)\s+(?:a|per|each)\s+month\b|\bmonthly\b|\bevery month\b|\beach month\b", "1/month"),
    (r"\b(?:once|one time)\s+(?:a|per|each)\s+year\b|\byearly\b|\bannually\b|\bevery year\b|\beach year\b|\bannual\b", "1/year"),
    (r"\bat bedtime\b|\bnightly\b|\bevery night\b|\beach night\b|\bbefore bed(?:time)?\b|\bat night\b|\bin the evening\b|\bevery evening\b", "night"),
    (r"\bin the morning\b|\bevery morning\b|\beach morning\b", "morning"),
    (r"\bas needed\b|\bwhen needed\b|\bif needed\b|\bprn\b|\bwhen you need it\b|\bif you need it\b", "prn"),
    (r"\bwith (?:food|meals|a meal|breakfast|dinner)\b", "with-food"),
    (r"\bon an empty stomach\b|\bbefore (?:breakfast|meals|eating)\b", "empty-stomach"),
]
FREQ = [(re.compile(p, re.I), k) for p, k in FREQ]
TIMES = [
    (r"\btoday\b|\bthis (?:morning|afternoon|evening)\b|\btonight\b", "today"),
    (r"\btomorrow\b", "tomorrow"),
    (r"\bthis week\b", "this week"),
    (r"\bnext week\b", "next week"),
    (r"\bthis month\b", "this month"),
    (r"\bnext month\b", "next month"),
    (r"\bnext year\b", "next year"),
    (r"\b(?:right away|immediately|as soon as possible|asap|urgently|straight away|without delay|(?<!all )at once)\b", "now"),
    (r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", "weekday"),
    (r"\b(january|february|march|april|june|july|august|september|october|november|december)\s+\d{1,2}\b", "date"),
    (r"\b\d{1,2}:\d{2}\s*(?:am|pm)?\b|\b\d{1,2}\s*(?:am|pm)\b", "clock"),
]
TIMES = [(re.compile(p, re.I), k) for p, k in TIMES]
# Laterality is a value: "the left knee" and "the right knee" are different facts. Only before a body part or
# "side" ("the right thing", "right away" are not sides).
_BODY = (r"side|sided|eye|ear|knee|leg|arm|foot|feet|hand|hip|shoulder|ankle|wrist|elbow|lung|kidney|breast|ovary|"
         r"testicle|testis|chest|flank|abdomen|groin|thigh|calf|heel|toe|finger|thumb|jaw|cheek|temple|nostril|tonsil|"
         r"lobe|ventricle|atrium|lower|upper|back|neck|rib|ribs|knee-cap|kneecap|gland")
SIDE = re.compile(r"\b(left|right)(?:[- ](?:hand|sided|side))?(?=[ -](?:\w+[ -])?(?:" + _BODY + r")s?\b)|"
                  r"\bon (?:the|your|his|her) (left|right)(?: side)?\b|\b(bilateral|both sides)\b|"
                  r"\b(one or both|one|both)(?= (?:of (?:your|the) )?(?:\w+ )?(?:" + _BODY + r")s\b)", re.I)
# A count in words before a plural noun ("two antibiotics", "three of the symptoms", "both polyps"): a value.
_TALK_NOUNS = r"(?:things|questions|points|parts|issues|topics|matters|messages|emails|notes|letters|ways|sections|bits)"
COUNT = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?! (?:\w+ )?" + _TALK_NOUNS + r"\b)"
                   r"(?= (?:of (?:the|your|these|those) )?(?:[a-z]+ )?[a-z]+s\b)|\b(both)(?! (?:of (?:your|the) )?(?:\w+ )?(?:" + _BODY + r")s\b)"
                   r"(?= (?:of (?:the|your|these|those) )?(?:[a-z]+ )?[a-z]+s\b(?! (?:and|or)\b))", re.I)

# Contact in everyday words, shared by the contact instruction and the offer (content.py): "give us a ring".
RING = (r"give (?:me|us|the (?:office|clinic|surgery|practice|team|ward)) a (?:ring|call|bell|nudge|shout)|"
        r"ring (?:me|us|the (?:office|clinic|surgery|practice|team))")

# Instructions: canonical groups. Longest phrases first; "take care" and friends are not instructions.
INSTRUCTIONS = [
    ("emergency", r"go (?:straight )?to (?:the )?(?:nearest )?(?:emergency(?: room| department)?|er|ed|urgent care|hospital)|call 911|seek (?:emergency|urgent|immediate) (?:care|help|attention)|"
     r"urgent care(?! (?:team|service|clinicians?|physicians?|doctors?|nurses?|inbox|staff))|emergency room"),
    ("continue", r"continue(?:s|d)? (?:to take |taking |with |on )?|keep (?:on )?taking|keep using|keep up with|stay(?:ing)? on|remain on|carry on (?:with|taking)|stick with"),
    ("stop", r"stop(?:ping|ped)? (?:taking|using)|stop(?:ping|ped)?|discontinue(?:d)?|quit|come off|hold off on|hold off|hold (?:your |the )|pause"),
    ("start", r"start(?:ing)? (?!feeling|to feel|to get better)|begin(?:ning)?|initiate|switch(?:ing)? to|add(?:ing)? (?=\w+ (?:to|mg))|try(?:ing)? (?=\w+ (?:mg|for|at)\b)"),
    ("increase", r"increas(?:e|ing)|rais(?:e|ing)(?! (?:this|it|that|something|any|an? (?:concern|question|issue)|(?:more |new |further |other |some )?(?:concerns|questions)|the (?:issue|question|concern|subject|topic)))|go up to|up (?:the|your) dose|doubl(?:e|ing)(?! vision| check)"),
    ("decrease", r"decreas(?:e|ing)|reduc(?:e|ing)|lower(?:ing)? (?:the|your) dose|cut (?:back|down)|taper(?:ing)?|wean(?:ing)?|go down to"),
    ("take", r"(?<!to )tak(?:e|ing) (?!(?:good |great )?care|your time|a moment|a breath|a deep|it easy|a step|comfort|heart|time)|(?<!keep )us(?:e|ing) (?=(?:the|your|an?|it|this)\b)|apply(?:ing)? |inject(?:ing)? |swallow "),
    ("avoid", r"avoid(?:ing)?|cut(?:ting)? out|stay away from|refrain from|steer clear of|do not eat|don't eat|do not drink|don't drink|no alcohol|limit(?:ing)? (?:your )?(?:alcohol|salt|sodium|caffeine|sugar)"),
    ("repeat", r"repeat(?:ing|ed)?|recheck(?:ing)?|re-check|redo|retest(?:ing)?|check (?:it|this|that|them) again|do (?:it|this|another) again|another (?=\w+ (?:test|scan|check))"),
    ("schedule", r"(?<!sleep )(?<!sleeping )(?<!eating )(?<!feeding )(?<!dosing )(?<!medication )schedul(?:e|ing)|book(?:ing)?|arrang(?:e|ing)|set(?:ting)? up (?:an?|your)|make an appointment|follow(?:-| )?up|come (?:back )?in|come back|return (?:to|for|in)|see you (?:in|next|on|at)|appointment|visit (?=in|next)"),
    ("contact", r"call (?:us|me|the office|the clinic|our office|your)|contact (?:us|me|the|your)|phone (?:us|me|the)|message (?:us|me)|send (?:me|us) a message|reach out|keep reaching out|let (?:me|us|the (?:team|office|clinic|surgery|practice)|your (?:nurse|doctor|care team)) know|write (?:to (?:me|us)|(?:me |us )?again|back|any ?time|whenever)|drop (?:me|us) a (?:line|note|message)|notify (?:us|me)|get in touch|(?:keep|stay) in touch|"
     + RING + r"|keep (?:me|us|the team) (?:posted|updated|informed|in the loop)|email (?:me|us|the)|message (?:the|your) (?:office|clinic|team|practice|care team)"),
    ("monitor", r"monitor(?:ing)?|keep track|track(?:ing)? (?:your|it)|keep an eye on(?! (?:the|my|our) (?:inbox|portal|messages|emails?|replies|phone)\b)|watch (?:for|out for)|keep a (?:log|diary|journal|record)|log your|check your|measure your|weigh yourself|write down"),
    ("rest", r"keep (?:\w+ ){1,2}(?:raised|elevated|up)|rais(?:e|ing) your (?:leg|legs|feet|foot|arm|head)|(?<!the )rest(?:ing)?(?! assured| of)|get (?:some|plenty of|enough) (?:rest|sleep)|elevat(?:e|ing)|ice (?:it|the|your)|apply (?:ice|heat)|warm compress|cold compress|sleep (?:more|well)"),
    ("hydrate", r"drink (?:plenty|lots|more|at least|\d|water|fluids)|stay hydrated|hydrat(?:e|ion)|fluids"),
    ("exercise", r"exercis(?:e|ing)|go for (?:a )?walks?|walk(?:ing)? (?:\d|every|daily|for)|stretch(?:ing|es)?(?= (?:your|the|it|them|gently|daily|regularly|every|each|before|after|exercises?)\b)|stretching|stretches|physical activity|stay active|be active"),
    ("diet", r"eat(?:ing)? (?:more|less|a|plenty|smaller|healthy|fiber|bland)|diet|low-salt|low salt|high-fiber|high fiber|reduce (?:your )?salt"),
    ("lifestyle", r"quit smoking|stop smoking|lose weight|weight loss|los(?:e|ing) (?:\w+ )?(?:pounds|weight)|(?:cut back on|limit) alcohol"),
    ("plan", r"(?:provide|offer|discuss|consider|explore|add|start|try|look at|go over) (?:some |any )?(?:additional|further|other|more|new|alternative|different) (?:treatments?|options|therapy|therapies|medications?|medicines?|tests?|testing|steps)|treatment options|treatment plan|next steps"),
    ("refer", r"refer(?:ral|ring|red)?|see (?:a|an|the) (?=\w*(?:ist|specialist|surgeon|therapist|clinic))|consult(?:ation)?|second opinion"),
    ("get-test", r"get (?:an?|the|your|some) (?!(?:chance|moment|minute|second|(?:proper |quick |full |prompt )?(?:reply|replies|response|answer|message|call back)s?)\b)(?=\w+)|have (?:an?|the) (?=\w+ (?:scan|test|done))|go (?:for|get) (?:an?|the)|(?<!in )(?<!in that )(?<!in this )(?<!in the )order(?:ed|ing)?(?! to\b)|we will (?:do|run|check)|we'll (?:do|run|check)"),
]
INSTRUCTION_RE = re.compile("|".join(f"(?P<{name.replace('-', '_')}>\\b(?:{pat})(?:\\b|(?<=\\s)))" for name, pat in INSTRUCTIONS), re.I)
# Groups that a paraphrase may swap for each other; groups that contradict each other.
COMPATIBLE = [{"continue", "take"}, {"schedule", "repeat", "get-test"}, {"refer", "schedule"}, {"stop", "avoid"},
               {"contact", "emergency"}, {"lifestyle", "diet", "exercise"}, {"start", "take"},
               {"monitor", "repeat", "get-test"}, {"hydrate", "diet"}, {"rest", "lifestyle"}]
CONFLICTS = [("stop", "continue"), ("stop", "take"), ("stop", "start"), ("stop", "increase"), ("increase", "decrease"),
              ("avoid", "take"), ("avoid", "continue")]
# Advice the instruction groups do not name: an imperative opening or a recommending phrase.
ADVICE = re.compile(
    r"(?:^|^\s*(?:if|when|whenever|should|once|until|before|after)\b[^,]*,)\s*(?:please\s+|also\s+|and\s+)*(?:(?:do not|don't|never)(?! (?:ever )?(?:feel|hesitate|worry|be (?:afraid|embarrassed|shy)))|always(?! (?:happy|glad|pleased|here|available|welcome)\b)|make sure|be sure|remember to|try to|wash|wear|keep|stay|get|use|put|bring|offer|give|"
    r"switch|cut|limit|skip|sit|stand|lie|try|sleep|wait|stop|avoid|eat|drink|check|offer|bring|call|come|go|see)\b"
    r"|\b(?:you should|you must(?! be (?:\w+ing|stressful|awful|dreadful|so|really|very|feeling|exhausted|tired|worried|frustrated|scared|anxious|fed up|sick of|relieved|hard|tough|difficult|upset|concerned)\b)|you need to|you'll need to|it(?:'s| is) (?:important|best|a good idea|essential|vital) (?:not )?to|i (?:would )?(?:recommend|suggest|advise)|"
    r"(?<!if it )(?<!if that )would help|(?:it )?(?:may|might|can|could) help|(?:it would be|would be) (?:good|wise|helpful|best)|consider)\b", re.I)
GENERIC_CONTACT = re.compile(r"\b(?:any (?:other |more |further )?(?:questions?|concerns?|worries)|questions?|concerns?|anything(?: else)?|need (?:anything|help|to talk|support)|want to (?:talk|chat)|to (?:talk|chat)|(?:any|more|further|some) (?:more )?(?:information|support|guidance|help|details?|clarification)|if you(?:'re| are) unsure|ask for (?:help|support)|any ?time|whenever you(?: like| want| need)?|at any point)\b", re.I)

CLAUSE_SPLIT = re.compile(
    r";\s*|,\s+(?:and|but|so|then|plus|while|which means|meaning|since|because|so that)\s+|\s+(?:and|but|so|then|also|plus|while)\s+(?=(?:please\s+|also\s+|then\s+)?(?:i|we|you|your|it|this|the|continue|start|stop|take|repeat|schedule|call|avoid|keep|make|get|go|come|return|follow|increase|decrease|check|monitor|let|don't|do|drink|rest)\b)"
    r"|,\s+(?=(?:please|continue|start|stop|take|repeat|schedule|call|avoid|keep|make|get|go|come|return|increase|decrease|check|monitor)\b)",
    re.I)
CONDITIONAL = re.compile(r"\s*(?:if|when|whenever|unless|once|until|as soon as|before|after|should|in case)\b", re.I)
GENERIC_CONDITION = re.compile(r"(?<![\w-])(?!(?:a|an|the|has|have|had|your|my|his|her|their|our|of|this|that|any|no|some|is|are|was|were|from|for|with)\b)"
                                r"[a-z]+ (?:disease|disorder|syndrome|failure|damage|insufficiency|deficiency|injury|inflammation)\b", re.I)


# "<organ or sample> panel|culture|swab|study|scan|level ..." names a test even when the vocabulary lacks it
GENERIC_TEST = re.compile(r"\b(?!(?:a|an|the|some|any|few|several|these|those|this|that|other|further|more|additional|medical|"
                          r"diagnostic|routine|necessary|appropriate|various|certain|specific|simple|quick|many|all|such|your|my|"
                          r"our|their|his|her|its|of|for|with|new|lab|laboratory|imaging|standard|basic|regular|follow-up|"
                          r"necessary|recommended|required|initial|first|second|another|each|every|which|what|blood|can|could|will|would|"
                          r"to|i|we|you)\b)"
                          r"[a-z][a-z\-]+ (?:panel|culture|swab|study|studies|scan|level|levels|smear|screen|screening|count|"
                          r"profile|assay|titer|titre)s?\b", re.I)


def norm_num(raw: str):
    raw = raw.strip().lower()
    tens, _, unit = raw.partition("-")
    if unit and tens in NUMBER_WORDS and unit in NUMBER_WORDS:  # "twenty-one"
        return fmt(NUMBER_WORDS[tens] + NUMBER_WORDS[unit])
    if raw in NUMBER_WORDS:
        v = NUMBER_WORDS[raw]
        return v if isinstance(v, str) else fmt(v)
    try:
        return fmt(float(raw))
    except ValueError:
        return raw


def fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def dur_unit(raw: str) -> str | None:
    raw = raw.lower().rstrip("s")
    return DURATION_UNITS.get(raw)

PERSIST = re.compile(r"\b(?:(?:does not|doesn't|did not|didn't|do not|don't|has not|hasn't|have not|haven't|is not|isn't|are not|aren't) "
                      r"(?:go away|get better|improve|improved|better|clear up|settle|settled|resolve|resolved)|not (?:getting )?better|no better"
                      r"|continues|persists|keeps going|still there|lasts|lasting|goes on)\b", re.I)
NEG_BEFORE = re.compile(r"(?:\b(?:not|never|no need to|no longer)|n't)\s+(?:\w+\s+){0,3}$", re.I)
FLIP = {"take": "stop", "continue": "stop", "start": "stop", "increase": "stop", "stop": "continue", "avoid": "continue"}
MED_WORDS = re.compile(r"\b(?:medications?|medicines?|meds|pills?|tablets?|capsules?|dose|doses|moisturi[sz]er|lotion|prescriptions?|drops|cream|ointment|inhaler|patch|supplements?|injections?|shots?|therapy|treatment)\b", re.I)

