"""The curated framing bank: emotion-keyed sentences with no clinical content, the last resort of a framed edit.

Every sentence here is tested to carry no fact (tests/test_verified_editing.py). The bank is generic by design: it is
what an edit says when nothing about this patient could be said safely. The sentence gate's relevance feature was
fitted against these exact sentences (they are also stored in empathy/data/gate_classifier.npz as its reference).
"""

from __future__ import annotations

# Curated framing: no clinical content, no reassurance, no promises, no names. Keyed by emotion.
OPENERS: dict[str, list[str]] = {
    "fear": [
        "I can hear how frightening this has been for you.",
        "It makes sense that this feels scary, and I'm glad you reached out.",
        "Thank you for telling me how afraid you have been; that takes courage.",
    ],
    "anxiety": [
        "I can tell how much this has been weighing on you.",
        "Waiting and wondering can be really hard, and your concern makes complete sense.",
        "Thank you for sharing your worries with me; I understand why this is on your mind.",
    ],
    "embarrassment": [
        "Thank you for trusting me with something so personal.",
        "I'm glad you felt able to bring this up with me; it is an important thing to ask about.",
        "Please know there is never anything embarrassing about asking me these questions.",
    ],
    "frustration": [
        "I'm sorry this has been so frustrating for you.",
        "I understand how exhausting it is to keep dealing with this.",
        "Your frustration is completely understandable, and I appreciate your patience.",
    ],
    "distrust": [
        "I appreciate you telling me your concerns openly.",
        "Your questions are important, and I want to be as clear with you as I can.",
        "Thank you for being honest with me about how you feel; I take your concerns seriously.",
    ],
    "sadness": [
        "I'm so sorry you are going through this.",
        "I can hear how hard this has been for you, and I'm sorry.",
        "Thank you for sharing this with me; it sounds like a really difficult time.",
    ],
    "none": [
        "Thank you for your message.",
        "Thank you for reaching out to me about this.",
        "I appreciate you keeping me updated.",
    ],
}
# A second, validating sentence for the highest level.
VALIDATIONS: list[str] = [
    "Your feelings about this are completely valid.",
    "It is natural to have a lot of feelings about this, and they matter.",
    "You are doing the right thing by staying in touch with me.",
]
CLOSERS: list[str] = [
    "Please let me know if you have any questions.",
    "I'm here to support you, so please reach out with any questions.",
    "We are here for you, and you are not alone in this.",
    "Please don't hesitate to send me a message if anything is unclear.",
]

LEVEL_SHAPE = {0: (0, 0), 1: (1, 0), 2: (1, 1), 3: (2, 1)}  # (sentences before, sentences after)


def bank_sentences() -> list[str]:
    """Every curated sentence, openers first."""
    return [x for pool in OPENERS.values() for x in pool] + VALIDATIONS + CLOSERS
