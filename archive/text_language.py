"""Which language a caption file's text reads as, to catch a track declared in the wrong one.

A mislabelled track is searched with the wrong stemmer and offered to viewers under the
wrong name, and nobody notices until someone searches for it. The commonest short words
(articles, prepositions, pronouns) tell the languages Hallway stems apart within a few
sentences. The guess only raises a flag for the organiser: the declared language is kept.
"""

from __future__ import annotations

import re

WORD = re.compile(r"[^\W\d_]+")
# The most frequent function words of each language, chosen so that few are shared.
COMMON_WORDS = {
    "de": "der die das und ist nicht ich sie es zu den mit sich des auf für ein eine dem wir auch wird",
    "en": "the and of to is that it for you was on are with as be this have not but we they at from",
    "es": "el la los las que y en un una es por con para no se del al lo como más pero sus muy",
    "fr": "le la les des et est un une du que qui dans pour pas sur au avec ce il nous vous sont",
    "it": "il di che e la per un una non sono del della gli con si ho ma come anche nel questo",
    "nl": "de het een en van is dat niet ik je op te zijn met voor er maar ook wij",
    "pt": "o a os as de que e do da em um uma para com não por mais se dos das ao",
}
VOCABULARY = {language: frozenset(words.split()) for language, words in COMMON_WORDS.items()}
ENOUGH = 8  # common words seen before a guess is made
MARGIN = 1.5  # the best language must beat the next by this much


def likely_language(text: str) -> str | None:
    """The language ``text`` most probably is in, or None when it is too short or too close to call."""
    words = WORD.findall(text.lower())
    scores = sorted(
        ((sum(w in vocabulary for w in words), code) for code, vocabulary in VOCABULARY.items()), reverse=True
    )
    (best, language), (second, _) = scores[0], scores[1]
    if best < ENOUGH or best < MARGIN * second:
        return None
    return language


def mislabelled_as(declared: str, text: str) -> str:
    """The language the text reads as when that is not the declared one (``es-MX`` declares ``es``), else ''."""
    seems = likely_language(text)
    return seems if seems and seems != declared.split("-")[0].lower() else ""
