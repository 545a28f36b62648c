"""EPITOME mechanism predictor: the shipped weights, the direction of its scores, spans, and fit/save/load."""

import csv

import numpy as np
import pytest

from empathy import epitome
from empathy.epitome import (
    COMPONENTS,
    EMBED_DIM,
    FORMAT_VERSION,
    MECHANISMS,
    EpitomeModel,
)


@pytest.fixture(scope="module")
def shipped():
    return EpitomeModel.load(epitome.WEIGHTS_FILE)


def test_shipped_weights_load_with_the_expected_shapes_and_version(shipped):
    shipped.check_shapes()
    v = len(shipped.vocabulary)
    assert 5000 < v < 50000
    assert shipped.words_coef.shape == (len(MECHANISMS), v)
    assert shipped.embedding_coef.shape == (len(MECHANISMS), 2 * EMBED_DIM)
    assert shipped.stack_coef.shape == (len(MECHANISMS), len(COMPONENTS))
    assert shipped.meta["format_version"] == FORMAT_VERSION and shipped.meta["pairs"] == 2251
    assert all(np.isfinite(getattr(shipped, name)).all() for name in EpitomeModel._ARRAYS)
    assert epitome.WEIGHTS_FILE.stat().st_size <= 5_000_000


def test_licence_notice_ships_with_the_weights():
    text = (epitome.WEIGHTS_FILE.parent / "EPITOME-LICENSE.txt").read_text()
    assert "Copyright 2019-2020 University of Washington" in text
    assert "Ashish Sharma, Adam S Miner, David C Atkins, & Tim Althoff (2020)" in text


def test_weights_of_another_format_are_refused(tmp_path):
    import json

    with np.load(epitome.WEIGHTS_FILE, allow_pickle=False) as data:
        arrays = dict(data)
    meta = json.loads(arrays["meta"].tobytes()) | {"format_version": FORMAT_VERSION + 1}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    path = tmp_path / "other.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="another format"):
        EpitomeModel.load(path)


SEEKER = "I was just diagnosed with cancer and I can't stop shaking."


def _numbers(scores) -> list[float]:
    """Every probability of a result, in a fixed order (pytest.approx does not nest)."""
    return [scores.probability(m) for m in MECHANISMS] + [s.probabilities[m] for s in scores.sentences for m in MECHANISMS]


@pytest.mark.parametrize("mechanism, higher, lower", [
    ("emotional_reactions", "I'm so sorry, that sounds terrifying.", "Take ibuprofen."),
    ("emotional_reactions", "Oh no, I'm so sorry you're going through this. Hugs.", "Your appointment is on Monday."),
    ("interpretations", "I've been through the same thing and I know how scary it feels.", "Take ibuprofen."),
    ("explorations", "How have you been coping since you heard the news?", "The scan is booked for Monday."),
    ("explorations", "What worries you most about the treatment?", "I'm so sorry, that sounds terrifying."),
])
def test_scores_go_the_right_way(mechanism, higher, lower):
    hi, lo = epitome.predict_batch([(SEEKER, higher), (SEEKER, lower)])
    assert hi.probability(mechanism) > lo.probability(mechanism) + 0.2, (hi.probability(mechanism), lo.probability(mechanism))


def test_spans_mark_the_sentence_that_carries_the_mechanism():
    reply = "Take the tablets with food. How are you feeling about all of this?"
    scores = epitome.predict(SEEKER, reply)
    assert [reply[s:e] for s, e in scores.mechanisms["explorations"].spans] == ["How are you feeling about all of this?"]
    assert len(scores.sentences) == 2 and scores.sentences[1].carries("explorations")
    assert scores.probability("explorations") > 0.5 > scores.sentences[0].probabilities["explorations"]


def test_precomputed_embeddings_give_the_same_scores_and_empty_replies_score_zero():
    from empathy.embeddings import embed
    from empathy.text import split_sentences

    reply = "I'm sorry this has been so hard. Have you been able to sleep at all?"
    spans = split_sentences(reply)
    given = epitome.predict_embedded(reply, spans, embed([reply[s:e] for s, e in spans]))
    direct = epitome.predict(SEEKER, reply)
    assert _numbers(given) == pytest.approx(_numbers(direct), abs=1e-3)
    assert [s.span for s in given.sentences] == [s.span for s in direct.sentences] == spans
    empty = epitome.predict(SEEKER, "   ")
    assert empty.sentences == [] and all(empty.probability(m) == 0.0 for m in MECHANISMS)


def test_run_time_tfidf_matches_scikit_learn(shipped):
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["I'm so sorry, that sounds awful!! How are you?", "sorry sorry sorry", "zzzz qqqq"]
    v = TfidfVectorizer(analyzer=epitome.terms, vocabulary=shipped.vocabulary, sublinear_tf=True)
    v.fit(texts)
    v.idf_ = shipped.idf_reply
    expected = v.transform(texts).toarray()
    for text, row in zip(texts, expected):
        idx, values = shipped._tfidf(text, shipped.idf_reply)
        got = np.zeros(len(shipped.vocabulary))
        got[idx] = values
        assert np.allclose(got, row)


def _write_tiny_epitome(folder):
    """Twenty seeker posts, two replies each: a question is an exploration, "sorry" an emotional reaction,
    "me too" an interpretation, and the rationales mark that sentence."""
    rows = {m: [] for m in MECHANISMS}
    for i in range(20):
        for j in range(2):
            parts = ["Drink water."]
            combination = (2 * i + j) % 8  # each of the 8 label combinations five times
            has = {m: bool(combination >> k & 1) for k, m in enumerate(MECHANISMS)}
            cues = {"emotional_reactions": "I am so sorry.", "interpretations": "Me too, same here.",
                    "explorations": "What happened then?"}
            parts += [cues[m] for m in MECHANISMS if has[m]]
            reply = " ".join(parts)
            for m in MECHANISMS:
                rows[m].append({"sp_id": f"s{i}", "rp_id": f"r{i}_{j}", "seeker_post": "I feel bad.",
                                "response_post": reply, "level": 2 if has[m] else 0,
                                "rationales": cues[m] + "|" if has[m] else ""})
    for m, name in epitome.CSV_FILES.items():
        with open(folder / name, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[m][0]))
            writer.writeheader()
            writer.writerows(rows[m])


def test_fit_save_load_round_trip_on_a_tiny_data_set(tmp_path):
    _write_tiny_epitome(tmp_path)
    examples = epitome.load_examples(tmp_path)
    ex = next(e for e in examples if e.levels["explorations"] == 2)
    sentences = [ex.reply[s:e] for s, e in ex.spans]
    assert ex.sentence_targets["explorations"] == [int(t == "What happened then?") for t in sentences]
    rng = np.random.default_rng(1)
    vectors = {}
    for text in sorted({e.reply[s:x] for e in examples for s, x in e.spans}):
        v = rng.normal(size=EMBED_DIM)
        vectors[text] = v / np.linalg.norm(v)
    model = epitome.fit_model(examples, vectors)
    model.save(tmp_path / "w.npz")
    loaded = EpitomeModel.load(tmp_path / "w.npz")
    reply = "Drink water. What happened then?"
    spans = [(0, 12), (13, 32)]
    emb = np.stack([vectors["Drink water."], vectors["What happened then?"]])
    a, b = model.predict_embedded(reply, spans, emb), loaded.predict_embedded(reply, spans, emb)
    assert _numbers(a) == pytest.approx(_numbers(b), abs=1e-4)
    assert b.probability("explorations") > 0.5 and b.mechanisms["explorations"].spans == [(13, 32)]


def test_medical_examples_label_the_sentence_that_carries_each_mechanism():
    texts = ["I'm so sorry you're in pain.", "How are you sleeping?", "Thank you for your message.",
             "Take one tablet daily.", "Your scan is on Monday.", "Drink plenty of water.", "Rest the ankle."]
    labels = [{"emotional_reactions"}, {"explorations"}, {"empty"}, set(), set(), set(), set()]
    a = epitome.medical_examples(texts, labels, seed=3)
    assert [e.reply for e in a] == [e.reply for e in epitome.medical_examples(texts, labels, seed=3)]  # deterministic
    for ex in a:
        sentences = [ex.reply[s:e] for s, e in ex.spans]
        for m in MECHANISMS:
            expected = [int(m in labels[texts.index(t)]) for t in sentences]
            assert ex.sentence_targets[m] == expected, (ex.reply, m)
            assert ex.levels[m] == 2 * int(any(expected))
    stock = [ex for ex in a if "Thank you for your message." in ex.reply]
    assert len(stock) == 1 + epitome.MEDICAL_COMPOSITES and all(ex.levels[m] == 0 for ex in stock for m in MECHANISMS)


def test_masked_sentences_are_left_out_of_the_reply_and_its_spans(shipped):
    from empathy.embeddings import embed
    from empathy.text import split_sentences

    reply = "Thank you for your message. I'm so sorry about the pain. How are you sleeping?"
    spans = split_sentences(reply)
    emb = embed([reply[s:e] for s, e in spans])
    masked = shipped.predict_embedded(reply, spans, emb, keep=[False, True, True])
    rest = reply[spans[1][0]:]
    alone = shipped.predict_embedded(rest, [(s - spans[1][0], e - spans[1][0]) for s, e in spans[1:]], emb[1:])
    assert [masked.probability(m) for m in MECHANISMS] == pytest.approx([alone.probability(m) for m in MECHANISMS],
                                                                          abs=1e-6)
    assert all(spans[0] not in masked.mechanisms[m].spans for m in MECHANISMS)
    assert len(masked.sentences) == 3  # every sentence keeps its probabilities
    nothing = shipped.predict_embedded(reply, spans, emb, keep=[False, False, False])
    assert all(nothing.probability(m) == 0.0 for m in MECHANISMS)


def test_shipped_weights_were_fitted_with_the_current_medical_sentences(shipped):
    from empathy.sentence_labels import training_sha256

    assert shipped.meta["medical_examples"] > 500
    assert shipped.meta["medical_sentences_sha256"] == training_sha256(), \
        "empathy/data/scoring_sentences.tsv changed: run python -m empathy.epitome fit --data <EPITOME folder>"
