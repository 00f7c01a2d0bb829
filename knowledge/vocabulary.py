"""The words the search knows beyond the lessons' own: the field's thesaurus (acronyms, spellings,
plain-language equivalents), places named naturally in a question, and the words that carry intent.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from .language import is_english
from .text import STOP_WORDS, stem_all, words

# -- thesaurus ------------------------------------------------------------------------------------

#: The thesaurus shipped with the package (one group of equivalent terms a line, "a | b | c").
BUNDLED_THESAURUS = Path(__file__).parent / "data" / "thesaurus.txt"

Term = tuple[str, ...]  # a word or phrase as its stems, stop words left out


def term_of(text: str) -> Term:
    """A word or phrase as the tuple of its stems, without stop words."""
    return tuple(stem_all([w for w in words(text) if w not in STOP_WORDS]))


def read_groups(text: str) -> list[list[str]]:
    """The groups of a thesaurus file: one list of equivalent terms per non-comment line."""
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            groups.append([part.strip() for part in line.split("|") if part.strip()])
    return groups


class Thesaurus:
    """Maps a term (tuple of stems) to every term that means the same."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self._equivalents: dict[Term, set[Term]] = {}
        #: Every folded word of the thesaurus (a query may use them though no lesson does).
        self.words: frozenset[str] = frozenset()
        found: set[str] = set()
        for group in groups:
            found.update(w for member in group for w in words(member) if w not in STOP_WORDS)
            terms = {term_of(member) for member in group} - {()}
            for term in terms:
                self._equivalents.setdefault(term, set()).update(terms - {term})
        self.words = frozenset(found)
        self.longest = max((len(t) for t in self._equivalents), default=1)
        #: Neighbouring stems within its multi-word terms: the context a typo's correction may complete.
        self.pairs = frozenset(pair for term in self._equivalents for pair in pairwise(term))

    @classmethod
    def bundled(cls, extra: Mapping[str, Iterable[str]] | None = None) -> Thesaurus:
        """The bundled groups plus `extra` (a word or phrase → the terms it also means)."""
        groups = read_groups(BUNDLED_THESAURUS.read_text(encoding="utf-8"))
        for key, values in (extra or {}).items():
            groups.append([key, *([values] if isinstance(values, str) else values)])
        return cls(groups)

    def __contains__(self, term: Term) -> bool:
        return term in self._equivalents

    def equivalents(self, term: Term) -> tuple[Term, ...]:
        """The other terms of the group(s) `term` belongs to, sorted; () when it has none."""
        return tuple(sorted(self._equivalents.get(term, ())))


# -- places ---------------------------------------------------------------------------------------

#: Common names and older spellings → the name used in the lesson pages (when the corpus has it).
COUNTRY_ALIASES = {
    "turkey": "Türkiye", "turkiye": "Türkiye", "ivory coast": "Côte d’Ivoire", "vietnam": "Viet Nam",
    "burma": "Myanmar", "laos": "Lao People's Democratic Republic", "lao pdr": "Lao People's Democratic Republic",
    "syria": "Syrian Arab Republic", "tanzania": "United Republic of Tanzania", "iran": "Iran (Islamic Republic of)",
    "bolivia": "Bolivia (Plurinational State of)", "moldova": "Republic of Moldova",
    "drc": "Democratic Republic of the Congo",
    "dr congo": "Democratic Republic of the Congo", "congo kinshasa": "Democratic Republic of the Congo",
    "south korea": "Republic of Korea", "korea": "Republic of Korea", "russia": "Russian Federation",
    "venezuela": "Venezuela (Bolivarian Republic of)", "sao tome": "Sao Tome and Principe",
    "east timor": "Timor-Leste", "cape verde": "Cabo Verde", "swaziland": "Eswatini",
    "macedonia": "North Macedonia", "palestine": "Occupied Palestinian Territory",
    "gaza": "Occupied Palestinian Territory",
    "west bank": "Occupied Palestinian Territory", "uk": "United Kingdom", "britain": "United Kingdom",
    "usa": "United States", "united states of america": "United States",
}
#: Everyday names of the ILO's five regions → the region names used in the lesson pages.
REGION_ALIASES = {
    "africa": "Africa", "sub saharan africa": "Africa", "arab states": "Arab States", "arab region": "Arab States",
    "middle east": "Arab States", "arab world": "Arab States", "americas": "Americas", "latin america": "Americas",
    "latin america and the caribbean": "Americas", "caribbean": "Americas", "south america": "Americas",
    "central america": "Americas", "asia and the pacific": "Asia and the Pacific",
    "asia pacific": "Asia and the Pacific",
    "asia": "Asia and the Pacific", "pacific": "Asia and the Pacific", "south asia": "Asia and the Pacific",
    "southeast asia": "Asia and the Pacific", "south east asia": "Asia and the Pacific",
    "europe and central asia": "Europe and Central Asia", "europe": "Europe and Central Asia",
    "central asia": "Europe and Central Asia", "eastern europe": "Europe and Central Asia",
    "balkans": "Europe and Central Asia",
}
#: How English makes a place's adjective ("Asia" → "Asian", "Jordan" → "Jordanian", "Lebanon" →
#: "Lebanese", "Bangladesh" → "Bangladeshi", "Turkey" → "Turkish"), shortest first; a form counts only
#: when the English word list holds it, so the rules make no word of their own.
DEMONYM_SUFFIXES = ("n", "i", "an", "ese", "ish", "ian")
#: What a name may lose before the ending: its last vowel ("Ukraine" → "Ukrain|ian") or "-on"/"-ey".
DEMONYM_DROPS = ("", "a", "e", "i", "o", "y", "on", "ey")


def demonyms(name: str) -> list[tuple[str, int]]:
    """The English adjectives of a one-word place name, each with how many letters it changes
    (dropped and added: "Nigeria" → "Nigerian" 1, "Niger" → "Nigerian" 3), fewest first."""
    found: dict[str, int] = {}
    for drop in DEMONYM_DROPS:
        if drop and not name.endswith(drop) or len(name) - len(drop) < 3:
            continue
        root = name[:len(name) - len(drop)]
        for suffix in DEMONYM_SUFFIXES:
            if root + suffix != name and is_english(root + suffix):
                found.setdefault(root + suffix, len(drop) + len(suffix))
    return sorted(found.items(), key=lambda item: (item[1], item[0]))


def _named_by(word: str) -> Iterator[str]:
    """The names `word` could be the adjective of, each ending taken off and each drop put back
    ("asian" → "asia", "asiaa", ...): candidates, for `demonyms` to confirm."""
    for suffix in DEMONYM_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            for drop in DEMONYM_DROPS:
                yield word[:len(word) - len(suffix)] + drop


#: Words that may follow a place without changing it ("the Americas region").
PLACE_NOUNS = frozenset({"region", "regions", "country", "countries", "regional"})
#: Words that ask for lessons by their label, as the lesson pages file them ("tagged migration").
LABEL_WORDS = frozenset({"theme", "themes", "category", "categories", "tag", "tags", "tagged", "labelled",
                         "labeled", "filed"})


class Places:
    """Recognises the corpus's countries and regions, and their common aliases, in folded words."""

    def __init__(self, countries: Iterable[str], regions: Iterable[str]) -> None:
        self.names: dict[tuple[str, ...], tuple[str, str]] = {}
        folded_countries = {tuple(words(c)): c for c in set(countries)}
        folded_regions = {tuple(words(r)): r for r in set(regions)}
        # aliases name the corpus's own spelling, compared folded ("Sao Tome" = "São Tomé")
        for alias, region in REGION_ALIASES.items():
            if tuple(words(region)) in folded_regions:
                self.names[tuple(words(alias))] = ("region", folded_regions[tuple(words(region))])
        for alias, country in COUNTRY_ALIASES.items():
            if tuple(words(country)) in folded_countries:
                self.names[tuple(words(alias))] = ("country", folded_countries[tuple(words(country))])
        for key, region in folded_regions.items():
            self.names[key] = ("region", region)
        for key, country in folded_countries.items():
            if " - regional" not in country.lower() and country.lower() != "inter-regional":
                self.names[key] = ("country", country)
        self.longest = max((len(k) for k in self.names), default=1)
        #: What a place's name starts with before its last word: () for one-word names, ("latin",)...
        self._heads = frozenset(key[:-1] for key in self.names)
        self._last_words = frozenset(key[-1] for key in self.names)
        # A typed adjective is looked up when a question holds it, not at build: that would read the
        # English word list for every knowledge base, questions or not.
        self._adjective = lru_cache(maxsize=4096)(self._place_of_adjective)
        self.is_adjective = lru_cache(maxsize=4096)(self._is_adjective)

    def _place_of_adjective(self, typed: tuple[str, ...]) -> tuple[str, str] | None:
        """The place whose English adjective (`demonyms`) ends `typed`: "asian" → Asia, "latin
        american" → the Americas; of two names that make it, the one it changes least ("nigerian":
        Nigeria, not Niger)."""
        *head, word = typed
        found = [(changed, place) for name in _named_by(word)
                 if (place := self.names.get((*head, name))) and (changed := dict(demonyms(name)).get(word))]
        return min(found)[1] if found else None

    def _is_adjective(self, word: str) -> bool:
        """True for the adjective of a place name's last word ("asian", the "american" of "latin american")."""
        return any(name in self._last_words and word in dict(demonyms(name)) for name in _named_by(word))

    def find(self, folded: list[str]) -> list[tuple[int, int, str, str]]:
        """(start, end, filter name, value) for each place named in the words, longest first.

        A place's adjective counts as the place only when no place is named by its name: in
        "Syrian refugees in Jordan" the place is Jordan and "Syrian" says who the refugees are."""
        named, adjectives, i = [], [], 0
        while i < len(folded):
            for n in range(min(self.longest, len(folded) - i), 0, -1):
                typed = tuple(folded[i:i + n])
                if hit := self.names.get(typed):
                    named.append((i, i + n, *hit))
                elif typed[:-1] in self._heads and (hit := self._adjective(typed)):
                    adjectives.append((i, i + n, *hit))
                else:
                    continue
                i += n
                break
            else:
                i += 1
        return named or adjectives


# -- intent ---------------------------------------------------------------------------------------

#: Words that ask for what went wrong (the challenges field) or what worked (the success field).
INTENT_WORDS = {
    "challenges": frozenset({"wrong", "challenge", "challenges", "problem", "problems", "difficulty",
                             "difficulties", "failure", "failures", "failed", "fail", "obstacle",
                             "obstacles", "pitfall", "pitfalls", "mistake", "mistakes", "shortcomings"}),
    "success": frozenset({"worked", "success", "successes", "successful", "succeeded", "achievement",
                          "achievements"}),
}
#: Word pairs that carry intent only together ("went wrong", "good practice").
SUCCESS_PAIRS = frozenset({("what", "worked"), ("worked", "well"), ("good", "practice"), ("best", "practice"),
                           ("good", "practices"), ("best", "practices"), ("what", "works"), ("works", "well")})
CHALLENGE_PAIRS = frozenset({("went", "wrong"), ("go", "wrong"), ("goes", "wrong"), ("did", "not"),
                             ("not", "work"), ("not", "worked")})


def intent_of(words: list[str]) -> tuple[str, set[int]]:
    """("challenges", "success" or "", positions of the words that only said so) for a question."""
    found: dict[str, set[int]] = {}
    for i, word in enumerate(words):
        for name, vocab in INTENT_WORDS.items():
            if word in vocab:
                found.setdefault(name, set()).add(i)
    for i, pair in enumerate(pairwise(words)):
        if pair in SUCCESS_PAIRS:
            found.setdefault("success", set()).update((i, i + 1))
        elif pair in CHALLENGE_PAIRS:
            found.setdefault("challenges", set()).update((i, i + 1))
    if len(found) != 1:
        return "", set()
    ((name, positions),) = found.items()
    return name, positions
