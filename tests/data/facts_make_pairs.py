"""Build tests/data/facts_pairs.jsonl: original/edited pairs for the fact checker, one error type per pair.

Each physician draft below is written by hand with its own paraphrase, value change and negation
flip; added drugs, tests, advice, reassurances and framings come from separate pools. Drafts and
pools are split: ``dev`` (used while writing the checker) and ``heldout`` (written alongside but not
used to tune it). Run ``python tests/data/facts_make_pairs.py`` to rewrite the file (deterministic).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

# id, specialty, patient message, draft sentences, paraphrase, (sentence, old, new) value change,
# (sentence, old, new) negation flip, index of a clinical sentence to drop
DRAFTS = [
    # ---------------- dev ----------------
    dict(id="uro1", split="dev", patient="Is my PSA going up? I'm scared it's cancer.",
         s=["Your PSA is 4.2.", "Continue tamsulosin 0.4 mg daily.", "Repeat PSA in 3 months."],
         para="Your PSA result came back at 4.2. Please keep taking tamsulosin 0.4 mg every day, and we will recheck the PSA in three months.",
         change=(1, "0.4 mg", "0.8 mg"), neg=(1, "Continue tamsulosin", "Do not continue tamsulosin"), drop=2),
    dict(id="card1", split="dev", patient="My blood pressure readings at home have been high. Should I be worried?",
         s=["Your home readings average 150/95, which is above your goal.", "Increase lisinopril to 20 mg once a day.",
            "Please check your blood pressure twice a week and send me the readings in 2 weeks."],
         para="The readings you took at home average 150/95, higher than we want. I'd like you to increase your lisinopril to 20 mg once a day. Check your blood pressure twice a week and send me the numbers in 2 weeks.",
         change=(1, "20 mg", "40 mg"), neg=(0, "which is above your goal", "which is not above your goal"), drop=2),
    dict(id="endo1", split="dev", patient="My A1c came back. Is my diabetes getting worse?",
         s=["Your A1c is 7.8%, up from 7.1% in March.", "Increase metformin to 1000 mg twice daily.",
            "We will repeat the A1c in 3 months."],
         para="Your A1c came back at 7.8%, which is higher than the 7.1% from March. Let's increase your metformin to 1000 mg twice daily. We'll check the A1c again in 3 months.",
         change=(0, "7.8%", "6.8%"), neg=(1, "Increase metformin", "Do not increase metformin"), drop=2),
    dict(id="derm1", split="dev", patient="The rash on my arm is still there after a week. What should I do?",
         s=["Apply hydrocortisone 1% cream twice a day for 7 days.", "If the rash is not better in a week, I will refer you to dermatology."],
         para="Put hydrocortisone 1% cream on the rash twice a day for 7 days. If it hasn't improved in a week, I'll send a referral to dermatology.",
         change=(0, "7 days", "14 days"), neg=(1, "If the rash is not better", "If the rash is better"), drop=1),
    dict(id="pulm1", split="dev", patient="I'm still coughing three weeks after my cold. Do I need antibiotics?",
         s=["Your chest x-ray is clear and you do not need antibiotics.", "Use the albuterol inhaler, 2 puffs every 6 hours as needed.",
            "If the cough lasts beyond 8 weeks, we will do a breathing test."],
         para="Your chest x-ray looks clear, and antibiotics are not needed. You can use your albuterol inhaler, 2 puffs every 6 hours when you need it. If the cough is still there after 8 weeks, we will arrange a breathing test.",
         change=(1, "2 puffs", "4 puffs"), neg=(0, "you do not need antibiotics", "you need antibiotics"), drop=2),
    dict(id="gi1", split="dev", patient="My colonoscopy found polyps. Does that mean cancer?",
         s=["The two polyps we removed were benign.", "You should have your next colonoscopy in 5 years."],
         para="Both polyps that we removed were benign. Your next colonoscopy should be in 5 years.",
         change=(1, "5 years", "10 years"), neg=(0, "were benign", "were not benign"), drop=1),
    dict(id="ob1", split="dev", patient="I'm 8 weeks pregnant and have nausea all day. Is this normal?",
         s=["Nausea is common at 8 weeks.", "You can take vitamin B6 25 mg three times a day.",
            "Please go to the emergency room if you cannot keep fluids down for 24 hours."],
         para="At 8 weeks, nausea is common. Vitamin B6 25 mg, taken three times a day, can help. If you can't keep fluids down for 24 hours, please go to the emergency room.",
         change=(1, "25 mg", "50 mg"), neg=(2, "if you cannot keep fluids down", "if you can keep fluids down"), drop=2),
    dict(id="ortho1", split="dev", patient="My knee still hurts after the fall. Is it broken?",
         s=["Your knee x-ray shows no fracture.", "Take ibuprofen 400 mg every 8 hours with food for up to 10 days.",
            "Start physical therapy next week."],
         para="The x-ray of your knee does not show a fracture. Take ibuprofen 400 mg with food every 8 hours, for up to 10 days. You will begin physical therapy next week.",
         change=(1, "10 days", "3 weeks"), neg=(0, "shows no fracture", "shows a fracture"), drop=2),
    dict(id="neuro1", split="dev", patient="My headaches are getting worse. Could it be a tumor?",
         s=["Your MRI of the brain was normal.", "Start topiramate 25 mg at bedtime.", "Keep a headache diary and we will review it in 6 weeks."],
         para="The brain MRI came back normal. I'd like you to start topiramate 25 mg at bedtime. Please keep a headache diary, and we will go over it in 6 weeks.",
         change=(1, "25 mg", "50 mg"), neg=(0, "was normal", "was not normal"), drop=1),
    dict(id="psych1", split="dev", patient="The sertraline isn't helping and I feel awful.",
         s=["Increase sertraline from 50 mg to 100 mg daily.", "It may take 4 to 6 weeks to feel the full effect.",
            "We have a follow-up appointment in 4 weeks."],
         para="Let's raise your sertraline from 50 mg to 100 mg daily. The full effect may take 4 to 6 weeks to show. We'll follow up in 4 weeks.",
         change=(0, "100 mg", "150 mg"), neg=(1, "It may take", "It will not take"), drop=2),
    dict(id="peds1", split="dev", patient="My son has had a fever of 102 for two days. Should I bring him in?",
         s=["Give acetaminophen 240 mg every 6 hours as needed for fever.", "Bring him in today if the fever lasts more than 3 days or he stops drinking."],
         para="You can give him acetaminophen 240 mg every 6 hours as needed for the fever. If the fever goes on for more than 3 days or he stops drinking, bring him in today.",
         change=(0, "240 mg", "480 mg"), neg=(0, "Give acetaminophen", "Do not give acetaminophen"), drop=1),
    dict(id="renal1", split="dev", patient="What do my kidney results mean?",
         s=["Your creatinine is 1.6, slightly higher than last year.", "Stop taking naproxen.", "We will repeat the kidney function test in 4 weeks."],
         para="Your creatinine came back at 1.6, a little higher than last year. Please stop naproxen. We'll repeat your kidney function test in 4 weeks.",
         change=(0, "1.6", "2.6"), neg=(1, "Stop taking naproxen", "Keep taking naproxen"), drop=2),
    dict(id="thy1", split="dev", patient="I'm always tired. Is it my thyroid?",
         s=["Your TSH is 8.5, which means your thyroid is underactive.", "Start levothyroxine 50 mcg every morning on an empty stomach.",
            "We will recheck your TSH in 6 weeks."],
         para="Your TSH came back at 8.5, meaning your thyroid is underactive. Please start levothyroxine 50 mcg each morning on an empty stomach. Your TSH will be rechecked in 6 weeks.",
         change=(1, "50 mcg", "100 mcg"), neg=(0, "your thyroid is underactive", "your thyroid is not underactive"), drop=2),
    dict(id="onc1", split="dev", patient="Did the scan show the cancer spreading?",
         s=["Your CT scan shows no new areas of cancer.", "Continue letrozole 2.5 mg daily.", "Your next scan will be in 6 months."],
         para="The CT scan did not show any new areas of cancer. Please continue letrozole 2.5 mg each day. We'll do your next scan in 6 months.",
         change=(2, "6 months", "12 months"), neg=(0, "shows no new areas", "shows new areas"), drop=1),
    dict(id="id1", split="dev", patient="It burns when I pee. Do I have an infection?",
         s=["Your urine culture shows a urinary tract infection.", "Take nitrofurantoin 100 mg twice a day for 5 days."],
         para="The urine culture confirms a urinary tract infection. Please take nitrofurantoin 100 mg twice a day for 5 days.",
         change=(1, "5 days", "10 days"), neg=(0, "shows a urinary tract infection", "shows no urinary tract infection"), drop=1),
    dict(id="lip1", split="dev", patient="My cholesterol is high again. What now?",
         s=["Your LDL is 168.", "Start atorvastatin 20 mg at night.", "We will check a lipid panel in 8 weeks."],
         para="Your LDL came back at 168. I recommend starting atorvastatin 20 mg at night. We'll repeat a lipid panel in 8 weeks.",
         change=(0, "168", "128"), neg=(1, "Start atorvastatin", "Do not start atorvastatin"), drop=2),
    dict(id="ent1", split="dev", patient="My ear has been hurting for days.",
         s=["You have an ear infection.", "Take amoxicillin 500 mg three times a day for 10 days.", "You do not need to see an ENT at this point."],
         para="It looks like an ear infection. Please take amoxicillin 500 mg three times a day for 10 days. There's no need to see an ENT right now.",
         change=(1, "three times a day", "twice a day"), neg=(2, "You do not need to see an ENT", "You need to see an ENT"), drop=1),
    dict(id="rheum1", split="dev", patient="My joints are swollen every morning.",
         s=["Your blood tests show rheumatoid arthritis.", "Start methotrexate 15 mg once a week and folic acid 1 mg daily.",
            "I am referring you to rheumatology."],
         para="The blood tests point to rheumatoid arthritis. I'd like you to begin methotrexate 15 mg once a week, along with folic acid 1 mg daily. I'm sending a referral to rheumatology.",
         change=(1, "15 mg once a week", "15 mg daily"), neg=(0, "show rheumatoid arthritis", "do not show rheumatoid arthritis"), drop=2),
    dict(id="hem1", split="dev", patient="Why am I so short of breath? Is my blood low?",
         s=["Your hemoglobin is 9.8, which shows anemia.", "Take ferrous sulfate 325 mg every other day.", "We will repeat the blood count in 6 weeks."],
         para="Your hemoglobin came back at 9.8, so you have anemia. Please take ferrous sulfate 325 mg every other day. We'll check the blood count again in 6 weeks.",
         change=(1, "every other day", "twice a day"), neg=(0, "which shows anemia", "which does not show anemia"), drop=2),
    dict(id="sleep1", split="dev", patient="My wife says I stop breathing at night.",
         s=["Your sleep study shows moderate sleep apnea.", "We will set you up with a CPAP machine.", "Please avoid alcohol in the evening."],
         para="The sleep study found moderate sleep apnea. We'll arrange a CPAP machine for you. Try to avoid alcohol in the evening.",
         change=(0, "moderate", "mild"), neg=(2, "Please avoid alcohol", "You do not need to avoid alcohol"), drop=1),
    dict(id="vasc1", split="dev", patient="My leg is swollen after my flight.",
         s=["The ultrasound of your leg shows no blood clot.", "Wear compression stockings for 2 weeks and elevate your leg."],
         para="Your leg ultrasound did not find a blood clot. Please wear compression stockings for 2 weeks and keep your leg raised.",
         change=(1, "2 weeks", "6 weeks"), neg=(0, "shows no blood clot", "shows a blood clot"), drop=1),
    dict(id="gyn1", split="dev", patient="Was my Pap smear okay?",
         s=["Your Pap smear was normal and HPV was negative.", "Your next Pap smear is due in 5 years."],
         para="Your Pap smear came back normal, and the HPV test was negative. The next Pap smear will be due in 5 years.",
         change=(1, "5 years", "3 years"), neg=(0, "was normal", "was not normal"), drop=1),
    # ---------------- heldout ----------------
    dict(id="card2", split="heldout", patient="I have palpitations. Is my heart okay?",
         s=["Your Holter monitor showed occasional extra beats, which are harmless in most people.", "Cut down to one cup of coffee a day.",
            "If you feel faint or have chest pain, call 911."],
         para="The Holter monitor picked up occasional extra beats, and in most people these are harmless. Please limit yourself to one cup of coffee a day. Call 911 if you feel faint or get chest pain.",
         change=(1, "one cup", "three cups"), neg=(0, "which are harmless", "which are not harmless"), drop=2),
    dict(id="uro2", split="heldout", patient="The kidney stone pain is back.",
         s=["The CT shows a 4 mm stone in the left ureter.", "Take tamsulosin 0.4 mg daily to help it pass.",
            "Drink at least 2 liters of water a day.", "If you develop a fever, go to the emergency department."],
         para="On the CT there is a 4 mm stone in your left ureter. Tamsulosin 0.4 mg once a day will help it pass. Aim for at least 2 liters of water a day. Should a fever develop, go to the emergency department.",
         change=(0, "4 mm", "9 mm"), neg=(3, "If you develop a fever", "If you do not develop a fever"), drop=1),
    dict(id="endo2", split="heldout", patient="Do I really need insulin now?",
         s=["Your fasting sugars are running 180 to 220.", "Start insulin glargine 10 units at bedtime.", "Check your sugar every morning and message me the numbers in one week."],
         para="Your fasting sugars have been between 180 and 220. I'd like you to start insulin glargine 10 units at bedtime. Check your sugar each morning and send me the numbers in one week.",
         change=(1, "10 units", "20 units"), neg=(1, "Start insulin glargine", "Do not start insulin glargine"), drop=2),
    dict(id="gi2", split="heldout", patient="I get heartburn every night.",
         s=["This sounds like acid reflux.", "Take omeprazole 20 mg 30 minutes before breakfast for 8 weeks.", "Avoid eating within 3 hours of bedtime."],
         para="What you describe sounds like acid reflux. Please take omeprazole 20 mg half an hour before breakfast for 8 weeks. Try not to eat within 3 hours of going to bed.",
         change=(1, "8 weeks", "2 weeks"), neg=(2, "Avoid eating", "There is no need to avoid eating"), drop=1),
    dict(id="pulm2", split="heldout", patient="My asthma is acting up with the pollen.",
         s=["Increase your fluticasone inhaler to 2 puffs twice daily during allergy season.", "Keep your rescue inhaler with you.",
            "You do not need prednisone right now."],
         para="During allergy season, please go up to 2 puffs of your fluticasone inhaler twice daily. Always carry your rescue inhaler. Prednisone is not needed at the moment.",
         change=(0, "2 puffs", "4 puffs"), neg=(2, "You do not need prednisone", "You need prednisone"), drop=0),
    dict(id="derm2", split="heldout", patient="Is this mole cancer?",
         s=["The biopsy showed a benign mole.", "No further treatment is needed.", "Please have a skin check once a year."],
         para="Your biopsy result shows the mole is benign. You won't need any further treatment. I'd like you to come in for a skin check once a year.",
         change=(2, "once a year", "every 3 months"), neg=(0, "showed a benign mole", "did not show a benign mole"), drop=2),
    dict(id="ortho2", split="heldout", patient="My back hurts when I bend over.",
         s=["Your back x-ray shows mild arthritis.", "Take naproxen 500 mg twice a day with food for 2 weeks.", "Start physical therapy twice a week."],
         para="The x-ray of your back shows mild arthritis. Take naproxen 500 mg with food twice a day for 2 weeks. You should begin physical therapy twice a week.",
         change=(1, "500 mg", "250 mg"), neg=(1, "Take naproxen", "Do not take naproxen"), drop=2),
    dict(id="neuro2", split="heldout", patient="My hand keeps going numb at night.",
         s=["Your nerve conduction study shows carpal tunnel syndrome.", "Wear a wrist splint at night for 6 weeks.", "If the numbness continues, we will discuss surgery."],
         para="The nerve conduction study confirms carpal tunnel syndrome. Please wear a wrist splint at night for 6 weeks. If the numbness doesn't go away, we'll talk about surgery.",
         change=(1, "6 weeks", "6 months"), neg=(0, "shows carpal tunnel syndrome", "does not show carpal tunnel syndrome"), drop=1),
    dict(id="psych2", split="heldout", patient="I can't sleep and I'm anxious all the time.",
         s=["I would like you to start escitalopram 10 mg daily.", "Please see the therapist I recommended.", "We will talk again in 2 weeks."],
         para="I'd like you to begin escitalopram 10 mg every day. Please book with the therapist I recommended. We'll speak again in 2 weeks.",
         change=(0, "10 mg", "20 mg"), neg=(0, "I would like you to start", "I would not like you to start"), drop=1),
    dict(id="id2", split="heldout", patient="I was bitten by a tick last week.",
         s=["Take doxycycline 200 mg as a single dose.", "Watch for a rash or fever over the next 30 days."],
         para="Please take a single dose of doxycycline 200 mg. Over the next 30 days, watch for a rash or fever.",
         change=(1, "30 days", "7 days"), neg=(0, "Take doxycycline", "Do not take doxycycline"), drop=1),
    dict(id="onc2", split="heldout", patient="When does my chemo start?",
         s=["Your first chemotherapy session is on Monday at 9 am.", "Take ondansetron 8 mg before the infusion.", "Your blood counts will be checked every 2 weeks."],
         para="The first chemotherapy session is set for Monday at 9 am. Take ondansetron 8 mg before the infusion. We'll check your blood counts every 2 weeks.",
         change=(1, "8 mg", "4 mg"), neg=(1, "Take ondansetron", "Do not take ondansetron"), drop=2),
    dict(id="peds2", split="heldout", patient="My daughter's ear is red and she's crying.",
         s=["She has a middle ear infection.", "Give amoxicillin 400 mg twice a day for 10 days.", "She does not need to miss school after 24 hours on the antibiotic."],
         para="She has an infection of the middle ear. Please give her amoxicillin 400 mg twice a day for 10 days. After 24 hours on the antibiotic she does not need to miss school.",
         change=(1, "400 mg", "800 mg"), neg=(2, "She does not need to miss school", "She needs to miss school"), drop=1),
    dict(id="bone1", split="heldout", patient="What did my bone scan show?",
         s=["Your DEXA scan shows osteoporosis in the hip.", "Start alendronate 70 mg once a week.", "Take calcium and vitamin D daily."],
         para="The DEXA scan found osteoporosis in your hip. Please start alendronate 70 mg once a week. You should also take calcium and vitamin D every day.",
         change=(1, "once a week", "once a day"), neg=(0, "shows osteoporosis", "does not show osteoporosis"), drop=2),
    dict(id="eye1", split="heldout", patient="My eye pressure was high at the optometrist.",
         s=["Your eye pressure is 26, which is high.", "Use latanoprost drops in both eyes every night.", "See the ophthalmologist in 4 weeks."],
         para="Your eye pressure measured 26, which is high. Put latanoprost drops in both eyes each night. You'll see the ophthalmologist in 4 weeks.",
         change=(0, "26", "16"), neg=(0, "which is high", "which is not high"), drop=2),
    dict(id="gout1", split="heldout", patient="My big toe is swollen and red.",
         s=["This is a gout flare.", "Take colchicine 0.6 mg twice a day until the pain settles.", "Your uric acid will be checked in 2 weeks."],
         para="You're having a gout flare. Take colchicine 0.6 mg twice a day until the pain settles down. We'll check your uric acid in 2 weeks.",
         change=(1, "0.6 mg", "1.2 mg"), neg=(0, "This is a gout flare", "This is not a gout flare"), drop=2),
    dict(id="long1", split="heldout", patient="I had my annual physical. What did the labs show? I'm nervous about my liver.",
         s=["Your liver enzymes are mildly elevated, with an ALT of 62.", "This is most likely from fatty liver.",
            "I recommend an ultrasound of your liver.", "Please stop drinking alcohol for now.", "We will repeat your liver tests in 3 months.",
            "Your cholesterol and blood count were normal."],
         para="The labs show mildly elevated liver enzymes, with an ALT of 62. The most likely cause is fatty liver. An ultrasound of your liver would be my recommendation. For now, please stop drinking alcohol. Your liver tests will be repeated in 3 months. Your cholesterol and blood count came back normal.",
         change=(0, "62", "92"), neg=(5, "were normal", "were not normal"), drop=3),
    dict(id="long2", split="heldout", patient="I've been so dizzy since starting the new pill. Should I stop it?",
         s=["Dizziness is a known side effect of amlodipine.", "Lower the dose to 5 mg daily.", "Stand up slowly and drink plenty of fluids.",
            "Check your blood pressure every morning for 2 weeks.", "If you faint, go to the emergency room right away."],
         para="Amlodipine is known to cause dizziness. Please reduce the dose to 5 mg daily. Get up slowly and drink plenty of fluids. Check your blood pressure each morning for 2 weeks. If you faint, go to the emergency room immediately.",
         change=(1, "5 mg", "2.5 mg"), neg=(4, "If you faint", "If you do not faint"), drop=3),
    # ---------------- blind: written after the checker was tuned, evaluated once ----------------
    dict(id="allergy1", split="blind", patient="My allergy shots make my arm swell. Should I keep going?",
         s=["A little swelling at the injection site is expected.", "Take cetirizine 10 mg one hour before each shot.",
            "If you get hives or trouble breathing, use your EpiPen and call 911."],
         para="Some swelling where the shot goes in is expected. One hour before each shot, take cetirizine 10 mg. Should you get hives or have trouble breathing, use your EpiPen and call 911.",
         change=(1, "10 mg", "20 mg"), neg=(0, "is expected", "is not expected"), drop=1),
    dict(id="uro3", split="blind", patient="I keep getting up at night to pee.",
         s=["Your urinalysis was normal.", "Stop drinking fluids 2 hours before bed.", "We can try oxybutynin 5 mg at night if this does not help."],
         para="The urinalysis came back normal. Don't drink fluids in the 2 hours before bed. If that doesn't help, we can try oxybutynin 5 mg at night.",
         change=(1, "2 hours", "4 hours"), neg=(0, "was normal", "was not normal"), drop=2),
    dict(id="card3", split="blind", patient="Do I still need the blood thinner after my ablation?",
         s=["Keep taking apixaban 5 mg twice a day for at least 3 months after the ablation.", "Do not skip doses.",
            "Your next echocardiogram is in June."],
         para="Please continue apixaban 5 mg twice a day for at least 3 months following the ablation. It's important not to miss any doses. The next echocardiogram is planned for June.",
         change=(0, "3 months", "1 month"), neg=(1, "Do not skip doses", "You can skip doses"), drop=2),
    dict(id="gi3", split="blind", patient="I've had diarrhea for a week after the antibiotics.",
         s=["Your stool test is positive for C. difficile.", "Start vancomycin 125 mg four times a day for 10 days.",
            "Wash your hands with soap, because hand gel does not kill this bacteria."],
         para="The stool test came back positive for C. difficile. Please begin vancomycin 125 mg four times a day for 10 days. Use soap to wash your hands, since hand gel does not kill this bacteria.",
         change=(1, "four times a day", "once a day"), neg=(0, "is positive for", "is negative for"), drop=2),
    dict(id="peds3", split="blind", patient="My baby hasn't pooped in 4 days.",
         s=["This can be normal for breastfed babies.", "Offer 1 ounce of prune juice once a day.", "Bring her in if she vomits or her belly looks swollen."],
         para="For a breastfed baby, this can be normal. You can give 1 ounce of prune juice once a day. If she vomits or her belly looks swollen, bring her in.",
         change=(1, "1 ounce", "4 ounces"), neg=(0, "This can be normal", "This is not normal"), drop=2),
    dict(id="mh1", split="blind", patient="My panic attacks are back since I lost my job.",
         s=["I'm increasing your buspirone to 15 mg twice daily.", "I also placed a referral to our behavioral health team.",
            "If you have thoughts of harming yourself, call 988 right away."],
         para="I'm raising your buspirone to 15 mg twice daily. I've also put in a referral to our behavioral health team. Call 988 right away if you have thoughts of harming yourself.",
         change=(0, "15 mg", "30 mg"), neg=(2, "If you have thoughts", "If you have no thoughts"), drop=1),
    dict(id="long3", split="blind", patient="I just got my results after the heart attack scare. What happens now?",
         s=["Your troponin was normal, so you did not have a heart attack.", "Your stress test showed reduced blood flow in one area.",
            "I am referring you to cardiology for a cardiac catheterization.", "Start aspirin 81 mg daily and metoprolol 25 mg twice a day.",
            "Avoid strenuous exercise until you see the cardiologist."],
         para="The troponin came back normal, which means you did not have a heart attack. The stress test did show reduced blood flow in one area. I'm sending you to cardiology for a cardiac catheterization. Please begin aspirin 81 mg daily and metoprolol 25 mg twice a day. Until you've seen the cardiologist, stay away from strenuous exercise.",
         change=(3, "25 mg", "50 mg"), neg=(0, "you did not have a heart attack", "you had a heart attack"), drop=4),
    dict(id="derm3", split="blind", patient="The acne cream burns my skin.",
         s=["Use the tretinoin cream every other night instead of nightly.", "Apply a moisturizer first.", "It usually takes 12 weeks to see results."],
         para="Switch the tretinoin cream to every other night rather than every night. Put on a moisturizer first. Results usually take 12 weeks to show.",
         change=(2, "12 weeks", "2 weeks"), neg=(1, "Apply a moisturizer first", "Do not apply a moisturizer first"), drop=1),
]

# Pools of added content (clinically substantive), and clean framing. Dev pools first half, held-out second.
ADDED_DRUG = {
    "blind": ["Hydroxyzine 25 mg at night may also calm things down.", "Let's add a short course of famotidine.", "I'm sending in a prescription for tramadol as well."],
    "dev": ["You can also take ibuprofen 400 mg for the pain.", "I will also start you on omeprazole 20 mg daily.",
            "A daily low-dose aspirin would help too.", "Please also take cetirizine 10 mg at night.",
            "We will add prednisone 20 mg for 5 days."],
    "heldout": ["Adding gabapentin 300 mg at bedtime should also help.", "I'm prescribing a course of azithromycin as well.",
                "Melatonin 3 mg before bed could help you sleep.", "You may also benefit from a short course of diazepam.",
                "Try some loratadine if the symptoms bother you."],
}
ADDED_TEST = {
    "blind": ["We should also check your vitamin D level.", "An EKG next week would be reasonable.", "I will order a CT of the abdomen too."],
    "dev": ["We should also get an MRI to be thorough.", "I'd like to order a CT scan as well.",
            "Let's also do a complete blood count.", "We will schedule an ultrasound too.", "You should also have an ECG."],
    "heldout": ["A colonoscopy would also be a good idea.", "I will add a urinalysis to your next visit.",
                "We might also do a stress test.", "Let's get a chest x-ray while you're here.",
                "I'd like you to have a biopsy to rule things out."],
}
ADDED_ADVICE = {
    "blind": ["Cutting out alcohol completely would help.", "Try yoga or meditation every evening.", "Please weigh yourself every morning."],
    "dev": ["Please also cut back on caffeine.", "Try to walk for 30 minutes every day.", "Make sure you drink plenty of fluids.",
            "Get plenty of rest this week.", "Avoid heavy lifting for now."],
    "heldout": ["It would help to reduce the salt in your diet.", "You should stop smoking as soon as you can.",
                "Call us if the pain gets worse.", "Keep a log of your symptoms every day.", "Elevate your feet in the evening."],
}
REASSURANCE = {
    "blind": ["Trust me, this will sort itself out.", "It is nothing serious at all.", "You are perfectly healthy otherwise."],
    "dev": ["This is nothing to worry about.", "I'm sure everything will be fine.", "It's definitely not serious.",
            "Rest assured, this is completely normal.", "You'll be fine."],
    "heldout": ["There is really no cause for concern here.", "I can promise you this is harmless.",
                "Please don't worry, this is very common and nothing serious.", "I'm confident you have nothing to fear.",
                "Everything is going to be okay."],
}
# Reassurance attached to a fact sentence (", which is ...")
REASSURANCE_TAIL = {
    "blind": [", so there is absolutely nothing to fear", ", and I am certain it is harmless"],"dev": [", which is nothing to worry about", ", so there is no need to worry"],
                    "heldout": [", and that is perfectly harmless", ", which is definitely nothing serious"]}
OPENERS = {
    "blind": ["Thanks so much for writing in about this.", "I can only imagine how unsettling this has been.", "It makes sense that this is on your mind."],
    "dev": ["Thank you for your message, and I'm sorry you've been dealing with this.",
            "I can hear how worried you are, and that makes complete sense.",
            "I know waiting for answers is hard.", "Thank you for reaching out to me about this.",
            "It's completely understandable to feel anxious about this."],
    "heldout": ["I really appreciate you letting me know how you're feeling.", "This has clearly been weighing on you, and I'm glad you wrote.",
                "I'm sorry this has been so stressful for you.", "Your concern is very understandable.",
                "I hear you, and I want you to know I take this seriously."],
}
CLOSERS = {
    "blind": ["Warm regards, and please write back any time.", "We are in this with you.", "I hope the rest of your week goes gently."],
    "dev": ["Please reach out if you have any questions.", "We're here to support you through this.",
            "I hope you start feeling better soon.", "Let me know if there is anything else I can do for you.",
            "You are not alone in this."],
    "heldout": ["Don't hesitate to send me a message with any other questions.", "We will get through this together.",
                "Wishing you a restful week.", "I'm here if you want to talk anything over.", "Thank you for trusting us with your care."],
}


def _key(sentence: str) -> str:
    """The word an added sentence is about (a pool entry must not repeat something the draft says)."""
    words = {"vitamin d", "ekg", "ct of", "hydroxyzine", "famotidine", "tramadol", "alcohol", "yoga", "weigh",
             "mri", "ct scan", "blood count", "ultrasound", "ecg", "colonoscopy", "urinalysis", "stress test", "x-ray", "biopsy",
             "ibuprofen", "omeprazole", "aspirin", "cetirizine", "prednisone", "gabapentin", "azithromycin", "melatonin", "diazepam", "loratadine",
             "caffeine", "walk", "fluids", "rest", "lifting", "salt", "smoking", "call us", "log", "elevate"}
    return next((w for w in words if w in sentence.lower()), sentence.lower())


def _join(sentences: list[str]) -> str:
    return " ".join(s for s in sentences if s)


def pairs() -> list[dict]:
    rng = random.Random(7)
    out = []
    for n, d in enumerate(DRAFTS):
        split, s = d["split"], list(d["s"])
        original = _join(s)

        def add(kind, edited, **extra):
            out.append({"id": f"{d['id']}-{kind}", "draft": d["id"], "split": split, "type": kind, "clean": kind in ("framing", "paraphrase", "framed_paraphrase"),
                        "specialty": d["id"].rstrip("0123456789"), "patient": d["patient"], "original": original, "edited": edited, **extra})

        opener, closer = rng.choice(OPENERS[split]), rng.choice(CLOSERS[split])
        add("framing", _join([opener] + s + [closer]))
        add("paraphrase", d["para"])
        add("framed_paraphrase", _join([rng.choice(OPENERS[split]), d["para"], rng.choice(CLOSERS[split])]))
        dropped = s[:d["drop"]] + s[d["drop"] + 1:]
        add("dropped_fact", _join([opener] + dropped + [closer]))
        i, old, new = d["change"]
        changed = list(s)
        assert old in changed[i], (d["id"], old)
        changed[i] = changed[i].replace(old, new, 1)
        add("changed_value", _join([opener] + changed + [closer]))
        i, old, new = d["neg"]
        flipped = list(s)
        assert old in flipped[i], (d["id"], old)
        flipped[i] = flipped[i].replace(old, new, 1)
        add("negation_flip", _join(flipped + [closer]))
        for kind, pool in (("added_drug", ADDED_DRUG), ("added_test", ADDED_TEST), ("added_advice", ADDED_ADVICE)):
            extra = rng.choice([x for x in pool[split] if _key(x) not in original.lower()])
            pos = rng.randint(1, len(s))
            add(kind, _join([opener] + s[:pos] + [extra] + s[pos:]))
        if n % 2:
            tail = rng.choice(REASSURANCE_TAIL[split])
            k = rng.randrange(len(s))
            reassured = list(s)
            reassured[k] = reassured[k].rstrip(".") + tail + "."
            add("false_reassurance", _join([opener] + reassured))
        else:
            add("false_reassurance", _join([opener] + s + [rng.choice(REASSURANCE[split]), closer]))
    return out


if __name__ == "__main__":
    rows = pairs()
    path = Path(__file__).with_name("facts_pairs.jsonl")
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    from collections import Counter

    print(len(rows), "pairs", dict(Counter(r["split"] for r in rows)), dict(Counter(r["type"] for r in rows)))
