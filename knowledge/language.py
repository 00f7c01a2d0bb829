"""The English language beyond the lessons: is a word a real word, and which lesson words are its family.

A question's word that no lesson holds is either a typo or a real word the lessons happen not to
use. Only the first may be corrected: "tagged" is not a misspelt "lagged". The word list is
pyspellchecker's English dictionary (a SCOWL-derived list with frequencies, shipped inside the
wheel, pure Python, on every OS); it spells the American way, so British forms are tried through
the regular spelling correspondences (-ise/-ize, -our/-or, -tre/-ter, -lled/-led, -yse/-yze,
-ence/-ense, -ogramme/-ogram).

A word family is the lesson stems that share a word's root: Snowball removes inflections
("insured" → "insur") but not derivations ("entrepreneurs" → "entrepreneur", the lessons'
"entrepreneurship" → "entrepreneurship"). Two stems are of one family when one is a prefix of the
other, the shorter has at least `FAMILY_FLOOR` letters and the longer goes on with a derivational
suffix ("-ship", "-ation", "-ise", "-ance"...), or when they differ only in their last letter past
that floor ("subsidi"/"subsidis"). The floor and the suffixes keep short roots ("art", "work") and
look-alikes ("subsidi"/"subsidiari") apart. Inflections Snowball leaves apart, the irregular ones
("woman"/"women", "writing"/"written", "pay"/"paid"), come from lemminflect's English dictionary,
through the table of them that scripts/language-tables.py derives (knowledge/data/irregular-forms.txt).

How rare a word is, the lessons alone tell poorly when they are few: in 45 lessons "keep" may be
in as few as "inspectors". `english_shares` gives the search a prior from English (see
`wordwise.smoothed_idf`).
"""
from __future__ import annotations

import bisect
import gzip
import re
from collections.abc import Iterable
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import orjson
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .text import stem

#: The shortest stem that can root a family.
FAMILY_FLOOR = 5
#: How a derived word goes on from its root, as Snowball leaves it ("entrepreneur|ship", "formal|is").
DERIVATIONAL_SUFFIXES = ("ship", "ment", "nes", "ion", "at", "iti", "al", "ial", "iv", "ist", "ism", "er", "or",
                         "ing", "anc", "enc", "abl", "ibl", "is", "iz", "ic", "ian", "ant", "ent", "ee")
#: The whole ending of an agent compound whose root is itself an agent noun ("fisher|men" for
#: "fishers"). Only such roots: "chair|man", "states|man", "fresh|man" are not their roots' kind.
AGENT_COMPOUNDS = frozenset({"man", "men", "woman", "women"})
#: British ending → American ending, first match wins.
_BRITISH = (
    (re.compile(r"isation(s?)$"), r"ization\1"), (re.compile(r"is(e|es|ed|ing|er|ers)$"), r"iz\1"),
    (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),
    (re.compile(r"our(s|ed|ing|ful|able|ably|less|ite|ites|hood|hoods)?$"), r"or\1"),
    (re.compile(r"([tb])re(s?)$"), r"\1er\2"), (re.compile(r"ll(ed|ing|er|ers)$"), r"l\1"),
    (re.compile(r"ence(s?)$"), r"ense\1"), (re.compile(r"ogramme(s?)$"), r"ogram\1"),
    (re.compile(r"ogue(s?)$"), r"og\1"),
)
#: Any of those endings, one search: most words have none (at 100,000 lessons, 92,000 stems are
#: looked up, mostly names and typos, and nine searches each took a second of the build).
_ANY_BRITISH = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in _BRITISH))


@cache
def english_words() -> dict[str, int]:
    """Every lower-case English word of the bundled dictionary (letters only, two or more), with
    how common it is. Read once per process, on the first question that needs it (orjson parses the
    160,000 entries about twice as fast as the standard library)."""
    data = (resources.files("spellchecker") / "resources" / "en.json.gz").read_bytes()
    return {w: n for w, n in orjson.loads(gzip.decompress(data)).items() if len(w) > 1 and w.isalpha()}


def warm() -> None:
    """Read the word list and the irregular forms now (about a quarter of a second), not on the first
    question that needs them: a server calls this before it forks its workers, which then share them."""
    _english_by_start()
    _irregular()


def american(word: str) -> str:
    """The American spelling of a British form ("organisation" → "organization"), else the word."""
    if _ANY_BRITISH.search(word) is None:
        return word
    for pattern, replacement in _BRITISH:
        spelt, n = pattern.subn(replacement, word, count=1)
        if n:
            return spelt
    return word


def is_english(word: str) -> bool:
    """True for a folded word of the English language, in British or American spelling."""
    known = english_words()
    return word in known or american(word) in known


def english_count(word: str) -> int:
    """How common a folded word is in English (the word list's count; 0 for a word not in it)."""
    known = english_words()
    return known.get(word) or known.get(american(word), 0)


class Families:
    """Lesson stems by family, for the question's words no lesson holds as they are."""

    def __init__(self, stems: list[str]) -> None:
        self._all = frozenset(stems)
        self._sorted = sorted(s for s in stems if len(s) >= FAMILY_FLOOR - 1)

    def inflected(self, word: str) -> list[str]:
        """The lesson stems of the other inflections of `word` (a folded word) that Snowball does
        not bring together: "women" for "woman", "written" for "writing", "paid" for "pay"."""
        return sorted({s for s in map(stem, irregular_forms(word)) if s in self._all}, key=lambda s: (len(s), s))

    def of(self, stem: str) -> list[str]:
        """The lesson stems of `stem`'s family (never `stem` itself), shortest first."""
        if len(stem) < FAMILY_FLOOR:
            return []
        # longer words on the same root: "entrepreneurship" for "entrepreneur"
        found = {s for s in self._starting(stem) if _derived(s, len(stem))}
        for size in range(FAMILY_FLOOR, len(stem)):  # shorter roots: "formal" for "formalis"
            root = stem[:size]
            at = bisect.bisect_left(self._sorted, root)
            if at < len(self._sorted) and self._sorted[at] == root and _derived(stem, size):
                found.add(root)
        if len(stem) > FAMILY_FLOOR:  # the same root, another last letter: "subsidi" / "subsidis"
            found.update(s for s in self._starting(stem[:-1])
                         if len(stem) - 1 <= len(s) <= len(stem) + 1 and _respelled(stem, s))
        found.discard(stem)
        return sorted(found, key=lambda s: (len(s), s))

    def _starting(self, prefix: str) -> list[str]:
        at = bisect.bisect_left(self._sorted, prefix)
        out = []
        while at < len(self._sorted) and self._sorted[at].startswith(prefix):
            out.append(self._sorted[at])
            at += 1
        return out


#: Last letters a root takes in one form of a word and not another ("subsidy" / "subsidise").
ALTERNATING = (frozenset("iy"), frozenset("ie"), frozenset("sz"))


def _respelled(stem: str, other: str) -> bool:
    """True when `other` is `stem`'s root with another last letter: a derivational suffix after
    the root ("subsid|is" for "subsidi"), or a letter that alternates with the last one; never
    merely another word on the same letters ("complex" for "compli")."""
    root = len(stem) - 1
    if len(other) == root or _derived(other, root):
        return True
    return frozenset((stem[-1], other[root])) in ALTERNATING and (len(other) == len(stem) or _derived(other, len(stem)))


#: The irregular inflections, derived from lemminflect's dictionary by scripts/language-tables.py.
IRREGULAR_FORMS = resources.files("knowledge") / "data" / "irregular-forms.txt"
#: How common each stem is in English, derived from the word list by scripts/language-tables.py.
ENGLISH_STEMS = resources.files("knowledge") / "data" / "english-stems.txt"


def _table(resource) -> dict[str, str]:
    """A shipped table: each line a key, a tab and its value; lines starting with # are comments."""
    return dict(line.split("\t", 1) for line in resource.read_text(encoding="utf-8").splitlines()
                if line and not line.startswith("#"))


@cache
def _irregular() -> dict[str, tuple[str, ...]]:
    """Word → its other inflections whose stem is not its own, read once a process (a few ms)."""
    return {word: tuple(forms.split()) for word, forms in _table(IRREGULAR_FORMS).items()}


@cache
def _english_stems() -> tuple[int, dict[str, int]]:
    """(count of every English word but the stop words, the counts summed by stem), read once."""
    counts = {stem_: int(count) for stem_, count in _table(ENGLISH_STEMS).items()}
    return counts.pop("_total"), counts


def english_shares(stems: Iterable[str], length: float) -> list[float]:
    """For each stem, the share of English texts of `length` words (stop words aside) that would
    hold a word of it, were words drawn at their English frequencies: about 0.3 for "keep" in
    120 words, nearly 0 for "herder". 0 for a stem the table lacks (rare, or not English)."""
    total, counts = _english_stems()
    return [1.0 - (1.0 - _stem_count(counts, s) / total) ** length for s in stems]


def _stem_count(counts: dict[str, int], stem_: str) -> int:
    """A stem's English count, a British stem's through its American one ("labour" → "labor",
    "organis" → "organiz"): the word list spells the American way."""
    found = counts.get(stem_)
    if found is None:
        # a British stem's -is as Snowball leaves it ("organis" of "organisation") is -iz
        found = counts.get(american(stem_)) or (counts.get(stem_[:-2] + "iz", 0) if stem_.endswith("is") else 0)
    return found


def irregular_forms(word: str) -> tuple[str, ...]:
    """The other inflections of a folded English word that Snowball does not bring together
    ("women" for "woman", "written" and "wrote" for "writing"); none for a word the table lacks
    (Snowball covers regular endings)."""
    return _irregular().get(word, ())


def _derived(word: str, root: int) -> bool:
    """True when `word` goes on after its first `root` letters with a derivational suffix."""
    rest = word[root:]  # Snowball drops a final "e" ("apprentic" + "eship")
    if rest in AGENT_COMPOUNDS:
        return word.endswith(("er", "or"), 0, root)
    return rest.startswith(DERIVATIONAL_SUFFIXES) or rest.startswith("e") and rest[1:].startswith(DERIVATIONAL_SUFFIXES)


@cache
def _english_by_start() -> dict[tuple[str, int], list[str]]:
    """The English words grouped by first letter and length, the pools a typo is compared with."""
    pools: dict[tuple[str, int], list[str]] = {}
    for word in english_words():
        pools.setdefault((word[0], len(word)), []).append(word)
    return pools


@lru_cache(maxsize=1024)
def _pool(first: str, shortest: int, longest: int) -> tuple[tuple[str, ...], np.ndarray]:
    """The English words starting with `first`, of `shortest` to `longest` letters, and which
    letters each has (`letters`)."""
    pools = _english_by_start()
    words = tuple(w for n in range(shortest, longest + 1) for w in pools.get((first, n), ()))
    held = letters(words)
    held.flags.writeable = False  # cached and shared by every question
    return words, held


def letters(words: tuple[str, ...] | list[str]) -> np.ndarray:
    """Which letters each word has, as the bits of a uint32: a-z are bits 0-25, any other
    character bit 26 (one pass over the words as a fixed-width array of code points)."""
    if not words:
        return np.zeros(0, dtype=np.uint32)
    points = np.array(words, dtype=str).view(np.uint32).reshape(len(words), -1)  # 0 pads the shorter
    bit = np.where((points >= 97) & (points <= 122), points - 97, 26).astype(np.uint32)
    return np.bitwise_or.reduce(np.where(points > 0, np.uint32(1) << bit, np.uint32(0)), axis=1).astype(np.uint32)


def english_near(word: str, budget: int, limit: int = 5) -> list[tuple[str, int]]:
    """English words within `budget` edits of `word` (same first letter), fewest edits first.

    Typists rarely miss a word's first letter, so only words that start like it are compared, and
    of those only the ones whose letters are near: an edit adds, drops or swaps at most two of the
    letters a word has (a transposition none), so a word whose set of letters differs from the
    typed one's by more than twice the budget cannot be within it (of typos of 7-11 letters, a
    fifth to a two-hundredth of the words are then compared).
    """
    if budget <= 0 or not word:
        return []
    pool, held = _pool(word[0], len(word) - budget, len(word) + budget)
    near = np.flatnonzero(np.bitwise_count(held ^ letters([word])[0]) <= 2 * budget).tolist()
    found = process.extract(word, [pool[i] for i in near], scorer=OSA.distance, score_cutoff=budget,
                            limit=limit * 4)
    counts = english_words()
    return sorted(((w, int(d)) for w, d, _ in found if d > 0), key=lambda wd: (wd[1], -counts[wd[0]], wd[0]))[:limit]
