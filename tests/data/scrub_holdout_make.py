"""Hand-written portal messages (lowercase writing, Last, First, possessives, international phones) with
identifiers marked: a second scrubbing set, written after the rules were tuned on scrub_messages.jsonl.
Recall on it before any change for it: 46/56 = 0.82; the rules were then extended (see README)."""
import json

M = [
 ("hello dr wu, this is jenny tran again. my blood sugar was 240 this morning even with insulin glargine 20 units. can someone call me back at 617-555-0143? thanks jenny",
  [("name","wu"),("name","jenny tran"),("phone","617-555-0143"),("name","jenny")], ["insulin glargine 20 units","240"]),
 ("Patient: Harold Whitfield\nDOB: 4/2/1948\nMRN #7734521\nQuestion: Is it safe to take Tylenol 500 mg with my warfarin?",
  [("name","Harold Whitfield"),("dob","4/2/1948"),("record","7734521")], ["Tylenol 500 mg","warfarin"]),
 ("My mom, Gladys Pemberton (born 11/30/1939), fell last night. She's on apixaban 5 mg BID. Please advise. Her home is 88 Orchard Hill Rd, Ithaca NY 14850.",
  [("name","Gladys Pemberton"),("dob","11/30/1939"),("address","88 Orchard Hill Rd, Ithaca NY 14850")], ["apixaban 5 mg BID"]),
 ("Dr. Okonkwo-Reyes said my potassium of 5.9 was high. I'm Luis Alberto Mendez, 52 yo. Text me: +52 55 1234 5678",
  [("name","Okonkwo-Reyes"),("name","Luis Alberto Mendez"),("phone","+52 55 1234 5678")], ["potassium of 5.9"]),
 ("Re: refill. Name: Beatrix Lowe. Date of Birth: 07-14-1961. Insurance ID: XQZ448812907. Need my levothyroxine 75 mcg refilled.",
  [("name","Beatrix Lowe"),("dob","07-14-1961"),("record","XQZ448812907")], ["levothyroxine 75 mcg"]),
 ("Hi, I had my colonoscopy on 3/12 and the biopsy results are in MyChart. Please email them to <d.kowalczyk77@protonmail.com>. - Dorota",
  [("email","d.kowalczyk77@protonmail.com"),("name","Dorota")], ["colonoscopy","biopsy"]),
 ("Can you send the MRI report to my PO Box 4471, Bend, OR 97709? My chart number is 00-44-1982. Thank you, Raymond Szeto",
  [("address","PO Box 4471"),("record","00-44-1982"),("name","Raymond Szeto")], ["MRI report"]),
 ("I'm worried about my daughter Ximena. She has had a fever of 102.4 for three days and amoxicillin isn't helping. Our number is (303) 555 0199.",
  [("name","Ximena"),("phone","(303) 555 0199")], ["fever of 102.4","amoxicillin"]),
 ("Dear Dr Abernathy-Cole,\nMy SSN is 123-45-6789 if you need it for the disability form. My A1c was 8.1.\nRegards,\nWinston Achebe",
  [("name","Abernathy-Cole"),("record","123-45-6789"),("name","Winston Achebe")], ["A1c was 8.1"]),
 ("my husband tom is having chest pain on and off since tuesday, he takes metoprolol 25mg. we live at 1520 south elm street apt 3. should we go to the ER?",
  [("name","tom"),("address","1520 south elm street apt 3")], ["metoprolol 25mg","chest pain"]),
 ("Hello nurse Patricia, it's Mrs. Eleanor Vance, birthdate June 3rd 1944. The new eye drops (latanoprost) sting. Phone 555.867.5309.",
  [("name","Patricia"),("name","Eleanor Vance"),("dob","June 3rd 1944"),("phone","555.867.5309")], ["latanoprost"]),
 ("Member #: 8834 2291 0045\nI need prior auth for Ozempic 0.5 mg weekly. Contact: rkumar@company.co.uk",
  [("record","8834 2291 0045"),("email","rkumar@company.co.uk")], ["Ozempic 0.5 mg weekly"]),
 ("Thanks for seeing me Thursday. As discussed my BP at home is 150/95. Best, Anneliese Brandt-Okoro",
  [("name","Anneliese Brandt-Okoro")], ["150/95"]),
 ("This message is from Kwame Asante's caregiver, Ruth. He was born 1952-09-18. He can't swallow the 40 mg atorvastatin tablets.",
  [("name","Kwame Asante"),("name","Ruth"),("dob","1952-09-18")], ["40 mg atorvastatin"]),
 ("Pt name: Ng, Bao. MRN: 55012983. Sent from 4 Rue de Rivoli? No - 4 Harbor View Ct, San Diego CA 92101. Wound looks red around the stitches.",
  [("name","Ng, Bao"),("record","55012983"),("address","4 Harbor View Ct, San Diego CA 92101")], ["Wound looks red around the stitches"]),
 ("Hi it's Priyanka. Dr. Fitzgerald wanted my ferritin rechecked - it was 9. My cell 4155550123. DOB 2/29/1988.",
  [("name","Priyanka"),("name","Fitzgerald"),("phone","4155550123"),("dob","2/29/1988")], ["ferritin rechecked - it was 9"]),
 ("I am writing on behalf of my father, Giuseppe Marino. His pacemaker check is due. Reach me at giuseppe.marino.jr@gmail.com or 212 555 0188.",
  [("name","Giuseppe Marino"),("email","giuseppe.marino.jr@gmail.com"),("phone","212 555 0188")], ["pacemaker check"]),
 ("Quick question from Olusegun Bankole (acct 99812-77): can I take ibuprofen 600 mg after the tooth extraction?",
  [("name","Olusegun Bankole"),("record","99812-77")], ["ibuprofen 600 mg"]),
 ("My son, Mateo Ruiz-Salgado, DOB 05/09/2015, has an EpiPen 0.15 mg that expired. Address for the school form: 310 Magnolia Blvd, Apt 12C, Tulsa OK 74103.",
  [("name","Mateo Ruiz-Salgado"),("dob","05/09/2015"),("address","310 Magnolia Blvd, Apt 12C, Tulsa OK 74103")], ["EpiPen 0.15 mg"]),
 ("Signed, Dr. Henrietta Lacks-Boyd, on behalf of patient Samuel Oyelaran (MRN A-0093312). Creatinine 2.1, please review.",
  [("name","Henrietta Lacks-Boyd"),("name","Samuel Oyelaran"),("record","A-0093312")], ["Creatinine 2.1"]),
]
rows=[]
for i,(t,ids,med) in enumerate(M):
    for k,v in ids: assert v in t,(v,t)
    for m in med: assert m in t,(m,t)
    rows.append({"id":i,"text":t,"identifiers":[{"kind":k,"text":v} for k,v in ids],"medical":med})
open(__import__('pathlib').Path(__file__).with_name('scrub_holdout.jsonl'),'w').write("".join(json.dumps(r)+"\n" for r in rows))
print(len(rows), sum(len(r["identifiers"]) for r in rows))
