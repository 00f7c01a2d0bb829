"""Text normalisation shared by the index and the query: folding, words, stems and stop words."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import Stemmer

#: Typographic quotes and hyphens → their ASCII forms (the query parser reads quotes with it too).
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‐": "-", "‑": "-",
                         "–": "-", "—": "-", "´": "'", "`": "'"})
_PUNCTUATION = re.compile("[" + "".join(chr(c) for c in QUOTES) + "]")


def _plain(match: re.Match) -> str:
    return QUOTES[ord(match.group())]


#: A negated auxiliary as folded ("didn't", "don't", "won't", "can't").
_NEGATED = re.compile(r"[^\W_]+'t\b")


def without_negations(folded: str) -> str:
    """A folded question without its negated auxiliaries, which never name a topic. Split at the
    apostrophe they would leave "didn", which no lesson has, or "don", "won" and "haven", which
    are words of their own ("safe haven"): so they go before a question is split into words, and
    the lessons' words stay as they are."""
    return _NEGATED.sub(" ", folded)


_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
#: A word: letters and digits; apostrophes and hyphens split words ("cox's" → "cox", "s").
WORD = re.compile(r"[^\W_]+")

#: Common English words that carry no topic of their own; never searched for on their own.
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being
below between both but by can could did do does doing down during each either else few for from
further had has have having he her here hers herself him himself his how i if in into is it its
itself just me more most my myself neither no nor not now of off on once only or other our ours
ourselves out over own per same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up upon very via was we
were what when where which while who whom whose why will with within without would you your yours
yourself yourselves s t d ll m re ve vs versus etc eg ie use used using
aboard across along amid amidst among amongst around behind beneath beside besides beyond despite
except onto since throughout till toward towards underneath unlike
although though unless whereas whilst whether yet thus hence therefore however moreover furthermore
nevertheless nonetheless otherwise instead meanwhile
""".split())  # noqa: SIM905 (a word list reads best as text)

#: Words that frame a question rather than say what it is about ("show me lessons on ...").
QUERY_FILLER = frozenset("""
show tell find give search looking please anything something everything know lesson lessons
learned learnt example examples regarding concerning
""".split())  # noqa: SIM905

_stemmer = Stemmer.Stemmer("english")
# PyStemmer's own cache (10,000 words) costs more than it saves here: the build stems each new word
# once (92,000 at 100,000 lessons: 0.45 -> 0.15 s without it), and `stem` keeps its own cache.
_stemmer.maxCacheSize = 0


def fold(text: str) -> str:
    """Lower-case, accent-free, NFKC text for matching ("Côte d’Ivoire" → "cote d'ivoire")."""
    if text.isascii():
        return text.lower()
    text = _PUNCTUATION.sub(_plain, text).casefold()
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
        text = unicodedata.normalize("NFKC", text).replace("ı", "i")
    return text


def words(text: str) -> list[str]:
    """The folded words of a text, in order."""
    return WORD.findall(fold(text))


#: Stems kept for the words met most recently (lesson words repeat; a few MB at most). Longer
#: words are stemmed afresh each time: rare in lessons, they are how a hostile question would
#: fill the cache with big entries.
STEM_CACHE_WORDS = 50_000
STEM_CACHE_MAX_CHARS = 24


@lru_cache(maxsize=STEM_CACHE_WORDS)
def _cached_stem(word: str) -> str:
    return _stemmer.stemWord(word)


def stem(word: str) -> str:
    """The Snowball (Porter2) English stem of one folded word."""
    return _cached_stem(word) if len(word) <= STEM_CACHE_MAX_CHARS else _stemmer.stemWord(word)


def stem_all(folded_words: list[str]) -> list[str]:
    """Stems of many folded words at once (faster than one by one)."""
    return _stemmer.stemWords(folded_words)


def nul_joined(texts: list[str]) -> tuple[bytes, np.ndarray]:
    """(the texts as UTF-8, each followed by a NUL byte; where each ends, just after its NUL): how
    the compiled kernels read many texts at once. The ends are found by numpy, not measured one by
    one in Python; no text may hold a NUL of its own."""
    data = ("\0".join(texts) + "\0").encode("utf-8", "surrogatepass") if texts else b""
    return data, np.flatnonzero(np.frombuffer(data, np.uint8) == 0) + 1
