"""The search pipeline: from the words a user typed to a page of explained hits.

Each stage is its own module, and `Searcher.ask` reads as the list of them:

1. **understand** (`understand.py`): filters, typo corrections, intent, places, and the *concepts*
   to look for (a word, its thesaurus equivalents and its typo correction are one concept);
2. **candidates** (`rank.Ranker.score`): every lesson scored from the inverted index, kept when
   it covers enough of the concepts, within the filters (`facets.py`); when that does not fill
   the page, words lent by the best of them find more (`expansion.py`); quoted phrases
   (`phrases.py`) and exclusions applied;
3. **rank** (`rank.Ranker.rank`): the leaders in order, in the tiers the question asks for
   (`preference.py`: topic before place, a named theme's lessons, complete matches before
   partial ones), with the proximity bonus, near-duplicates folded;
4. **explain**: each hit's summary and highlights (`summary.py`), the facet counts of every
   match, the notices (words left out, places, partial matches, lent words); the `Answer`.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import cached_property, lru_cache

import numpy as np

from . import expansion, preference
from .answer import Answer, Hit, told_apart
from .facets import Facets
from .index import InvertedIndex
from .language import is_english
from .membership import holds, holds_one
from .options import SearchOptions
from .phrases import with_phrases
from .rank import Ranked, Ranker, Scored
from .record import Lesson
from .shortcut import Reader, read_ahead
from .summary import Cut, Marker, cut_sentences, summarize
from .text import stem
from .understand import Interpreter, Understanding
from .vocabulary import Places, Thesaurus

#: How many lessons' cut sentences a knowledge base keeps (a few MB; the lessons people see most).
SENTENCE_CACHE = 4096
#: Suggestions are looked for near this many unknown words at most (one look-up each; 5 are shown).
SUGGESTED_FROM = 3
#: A word quoted in a notice is cut to this many characters.
QUOTED_CHARS = 40
#: The shortcut (`shortcut.py`) pays from about this many lessons: below, scoring every lesson is
#: quicker than its bitsets and impact order (measured: 0.1-0.2 ms slower per question at 10,000
#: lessons, 5-30 % quicker at 100,000), so smaller knowledge bases neither build nor take it.
SHORTCUT_FROM = 30_000


class Searcher:
    """The ranked, typo-tolerant search over an `InvertedIndex` of the lessons."""

    def __init__(self, lessons: list[Lesson], options: SearchOptions) -> None:
        self.lessons = lessons
        self.options = options
        self.doc_of = {lesson.id: doc for doc, lesson in enumerate(lessons)}
        built: list[Facets] = []
        # The facets need only the lessons: built while the index's compiled kernels write its postings.
        self.index = InvertedIndex.of(lessons, options,
                                      meanwhile=lambda compiled: built.append(Facets(lessons, compiled=compiled)))
        (self.facets,) = built
        with ThreadPoolExecutor(max_workers=1) as pool:
            # The shortcut's parts are built beside the interpreter (see `shortcut.read_ahead`), with
            # the index, not by the first question.
            parts = pool.submit(read_ahead, self.index) if self.index.n_docs >= SHORTCUT_FROM else None
            places = Places(self.facets.countries, self.facets.regions)
            labels = {kind: self.facets.filters[kind].names for kind in preference.LABELS}
            self.interpreter = Interpreter(self.index, Thesaurus.bundled(options.synonyms), places, options, labels)
            self.ranker = Ranker(self.index, options, self.facets.evaluation)
            if parts is not None:
                self.reader = Reader(self.index, self.ranker, self.facets, options, parts.result())
        #: Each lesson's prose cut into sentences on first use, kept for the lessons shown most.
        self.cut: Callable[[int], Cut] = lru_cache(maxsize=SENTENCE_CACHE)(self._cut)

    @cached_property
    def reader(self) -> Reader:
        """The shortcut's bitsets and impact order over this index."""
        return Reader(self.index, self.ranker, self.facets, self.options)

    def _cut(self, doc: int) -> Cut:
        return cut_sentences(self.lessons[doc])

    def understand(self, raw: str) -> Understanding:
        """What the search makes of a raw query (see `understand.Interpreter`)."""
        return self.interpreter.understand(raw)

    def ask(self, query: str, limit: int, offset: int = 0, *, explain: bool = True, group: bool | None = None,
            boosts: Mapping[str, float] | None = None, straightforward: bool | None = None) -> Answer:
        """A page of hits for `query`, with totals, facets, filters, corrections and a notice.

        `explain=False` leaves the hits' summaries out (the benchmark times ranking alone with it);
        `group` and `boosts` as in `KnowledgeBase.ask`. `straightforward=True` scores every lesson
        instead of taking the shortcut (`shortcut.py`), `False` takes it for every question it
        covers, `None` from `SHORTCUT_FROM` lessons: the same answer each way, which the tests check.
        """
        u = self.understand(query)
        answer = self._answer(query, u, limit, offset, explain, group, boosts, straightforward)
        return replace(answer, understood=u.reading, named=u.named,
                       partial=bool(answer.hits) and (bool(u.unknown) or _misses_a_topic(answer.hits[0], u)))

    def _answer(self, query: str, u: Understanding, limit: int, offset: int, explain: bool,
                group: bool | None = None, boosts: Mapping[str, float] | None = None,
                straightforward: bool | None = None) -> Answer:
        """The answer to an understood question: a refusal, no match, or a page of explained hits."""
        refusal = self._refusal(query, u)
        if refusal is not None:
            return refusal
        allowed = self.facets.allowed(u.filters)
        short = None
        if straightforward is None:
            straightforward = self.index.n_docs < SHORTCUT_FROM
        if not straightforward and self.reader.covers(u, group, boosts):
            short = self.reader.answer(u, allowed, offset + limit, group)
        if short is not None:
            ranked, facets, concept_hits = short
            named, lent = "", ()
        else:
            found, lent = self._candidates(u, allowed, offset + limit)
            if not len(found.matched):
                return self._no_match(query, u, allowed)
            if _coincidental(found, u):
                words = [c.label for c in u.concepts if not c.place] + u.unknown
                return self._no_match(query, u, allowed, f"No lesson matches more than one of {_quoted(words)}.")
            if boosts:  # after scoring, before the order: only lessons that match move, and only a little
                found = found.boosted({self.doc_of[i]: f for i, f in boosts.items() if i in self.doc_of})
            tiers, named = preference.tiers(self.facets, u, found.matched, found.topic_share, found.asked)
            ranked = self.ranker.rank(found.matched, found.scores, u.concepts, tiers, offset + limit, group)
            facets, concept_hits = self.facets.counts(found.matched), found.concept_hits
        hits = self._hits(ranked, u, concept_hits, offset, limit, explain)
        notices = [f"Not in any lesson, so left out: {_quoted(u.unknown)}."] if u.unknown else []
        notices += _over_budget(u, self.options)
        notices += [named] if named else []
        notices += _partial(hits, [c.label for c in u.concepts if not c.place], offset)
        if lent:
            notices.append(f"More lessons found through words the best ones use: {_quoted(list(lent))}.")
        return Answer(query=query, hits=hits, total=ranked.total, offset=offset, filters=u.filters,
                      corrections=tuple(u.corrections), facets=facets,
                      notice=" ".join(notices), expanded=lent)

    # -- the stages ---------------------------------------------------------------------------

    def _refusal(self, query: str, u: Understanding) -> Answer | None:
        """The answer to a question too empty or too unsure to search; None to go on."""
        if u.stop_only:
            return Answer(query=query, notice="The question has only common words; name a topic, a place or a theme.",
                          suggestions=self.facets.popular_themes())
        # Too weak to answer: unknown words beside nothing but as many (or fewer) corrected guesses,
        # or a question of which no lesson knows half the words.
        topical = [c for c in u.concepts if not c.place]
        guesses = all(c.certainty < 1.0 for c in u.concepts) and len(u.unknown) >= len(u.concepts)
        if u.unknown and not u.place_only and (guesses or len(u.unknown) >= len(topical)):
            notice = " ".join([f"No lesson mentions {_quoted(u.unknown)}.", *_over_budget(u, self.options)])
            return Answer(query=query, corrections=tuple(u.corrections), filters=u.filters, notice=notice,
                          suggestions=self._suggest(u.unknown))
        return None

    def _candidates(self, u: Understanding, allowed: np.ndarray | None, wanted: int) -> tuple[Scored, tuple[str, ...]]:
        """The lessons that match, scored, and the words lent to find them: by the concepts, or,
        for filters and places alone, every lesson let through (a lesson of fewer places first);
        then exact phrases and exclusions."""
        lent: tuple[str, ...] = ()
        if not u.concepts:
            matched = np.flatnonzero(allowed) if allowed is not None else np.arange(len(self.lessons))
            found = Scored(matched, 1.0 / self.facets.n_places[matched], [], np.ones(len(matched)))
        else:
            sums = self.ranker.sums(u)
            found = self.ranker.score(u, allowed, sums=sums)
            # Lent words only ever add lessons after the others: worth it when the page is not full.
            more = None
            if len(found.matched) < wanted:
                more = expansion.lend(self.index, self.ranker, self.options, u, found)
            if more is not None:
                widened = expansion.after(found, self.ranker.score(u, allowed, more, sums))
                lent = more.words if widened is not found else ()
                found = widened
        if u.phrases and len(found.matched):
            found = found.keep(with_phrases(self.index, found.matched, u.phrases))
        if u.excluded and len(found.matched):
            banned = np.concatenate([self.index.postings(t)[0] for t in u.excluded])
            found = found.keep(~np.isin(found.matched, banned))
        return found, lent

    def _no_match(self, query: str, u: Understanding, allowed: np.ndarray | None, why: str = "") -> Answer:
        """The answer when no lesson matches: why (`why` when the caller knows), and words to try instead."""
        corrections = tuple(u.corrections)
        filtered_out = not u.concepts or (allowed is not None and not allowed.any())
        notice = why or ("No lesson matches the filters." if filtered_out else
                         f"No lesson mentions {_quoted(u.unknown)}, and none matches enough of the rest." if u.unknown
                         else "No lesson matches enough of the question.")
        notice = " ".join([notice, *_over_budget(u, self.options)])
        return Answer(query=query, filters=u.filters, corrections=corrections, notice=notice,
                      suggestions=tuple(dict.fromkeys([*self._suggest(u.unknown), *(used for _, used in corrections),
                                                       *(c.label for c in u.concepts if c.certainty == 1.0)]))[:5])

    def _hits(self, ranked: Ranked, u: Understanding, concept_hits: list[np.ndarray], offset: int, limit: int,
              explain: bool) -> tuple[Hit, ...]:
        """The page's hits: each lesson with its score, the query words it matched, and (when
        `explain`) the sentences that best answer the question, their matched words marked."""
        stems = {s for c in u.concepts for s in c.stems}
        weights = {s: float(self.index.idf[self.index.term_id(s)]) for s in stems if self.index.term_id(s) >= 0}
        hits = []
        page = ranked.leaders[offset:offset + limit]
        made = self._summaries([doc for doc, _ in page], u.intent, weights) if explain else [("", "", ())] * len(page)
        shown = np.array([doc for doc, _ in page], dtype=np.int32)
        held = [holds(docs, shown) for docs in concept_hits]
        for k, (doc, score) in enumerate(page):
            lesson = self.lessons[doc]
            found = tuple(c.label for c, h in zip(u.concepts, held, strict=True) if h[k])
            summary, source, spans = made[k]
            hits.append(Hit(lesson, round(float(score), 4), summary, source, spans, found,
                            tuple(self.lessons[d].id for d in ranked.grouped.get(doc, ()))))
        return told_apart(hits)

    def _summaries(self, docs: list[int], intent: str,
                   weights: dict[str, float]) -> list[tuple[str, str, tuple[tuple[int, int], ...]]]:
        """Each lesson's summary, source field and highlights: in one compiled pass over their
        sentences when the index is large (its kernels are loaded), else one by one in Python."""
        spellings = self._spellings(weights)
        marker = Marker(weights, spellings) if self.index.compiled else None
        if marker is not None and marker.usable:
            return marker.summaries([self.cut(doc) for doc in docs], intent)
        return [summarize(self.lessons[doc], weights, intent, spellings=spellings, cut=self.cut(doc)) for doc in docs]

    def _spellings(self, stems) -> dict[str, str]:
        """Every folded word of the lessons whose stem is one of `stems`, with that stem."""
        return {w: s for s in stems for w in self.index.spellings(self.index.term_id(s))}

    def _suggest(self, unknown: list[str]) -> tuple[str, ...]:
        """Known words nearest the first few unknown ones (up to two edits), commonest first. Not
        near a word of the English language: it is no typo, and the lessons' words that look like
        it ("health" for "heat") are not what was meant."""
        found = []
        typos = [w for w in unknown if len(w) <= self.options.max_word_chars and not is_english(w)]
        for word in typos[:SUGGESTED_FROM]:
            found += [w for w, _ in self.index.spelling.nearest(word, budget=2 if len(word) >= 4 else 0, limit=3)]
        return tuple(dict.fromkeys(found))[:5]

    # -- related lessons ----------------------------------------------------------------------

    def related(self, lesson_id: str, limit: int = 5) -> list[Hit]:
        """Lessons most like one lesson: its most telling words, searched together."""
        doc = self.doc_of.get(lesson_id)
        if doc is None:
            return []
        counts = Counter(self.index.doc_stream(doc).tolist())
        weight = {t: float(self.index.idf[t]) * (1 + math.log(c)) for t, c in counts.items()
                  if self.index.df[t] > 1}
        terms = sorted(weight, key=lambda t: (-weight[t], t))[:20]
        if not terms:
            return []
        parts = [self.index.postings(t) for t in terms]
        docs = np.concatenate([p[0] for p in parts])
        values = np.concatenate([p[1] * weight[t] for p, t in zip(parts, terms, strict=True)])
        scores = np.bincount(docs, weights=values, minlength=len(self.lessons))
        twin = self.index.duplicate_of[doc]
        scores[self.index.duplicate_of == twin] = 0
        order = [int(d) for d in np.argsort(-scores, kind="stable")[:limit] if scores[d] > 0]
        # Each term's stem is the stem of any word the lessons spell it with (not a pass over every stem).
        stems = {stem(self.index.spellings(t)[0]): float(self.index.idf[t]) for t in terms}
        top = scores[order[0]] if order else 1.0
        return list(told_apart([Hit(self.lessons[d], round(float(scores[d] / top), 4), *made)
                                for d, made in zip(order, self._summaries(order, "", stems), strict=True)]))


#: A question of this many topic words or more is not answered by lessons that each share one of them.
COINCIDENCE_WORDS = 3


def _coincidental(found: Scored, u: Understanding) -> bool:
    """True when a question of several topic words (known or not) has no lesson that matches two of
    them: each lesson shares one word with it by coincidence, and none is about what it asks."""
    topics = [k for k, c in enumerate(u.concepts) if not c.place]
    if len(topics) + len(u.unknown) < COINCIDENCE_WORDS:
        return False
    best = int(found.matched[int(np.argmax(found.scores))])  # usually matches several: no need to read on
    held_by_best = 0
    for k in topics:
        held_by_best += holds_one(found.concept_hits[k], best)
        if held_by_best > 1:
            return False
    held = np.zeros(len(found.matched), dtype=np.int16)
    for k in topics:
        held += holds(found.concept_hits[k], found.matched)
    return int(held.max()) <= 1


def _misses_a_topic(hit: Hit, u: Understanding) -> bool:
    """True when a hit leaves out one of the question's topics (places aside)."""
    return any(c.label not in hit.matched_terms for c in u.concepts if not c.place)


def _partial(hits: tuple[Hit, ...], topics: list[str], offset: int) -> list[str]:
    """What the page's hits leave out of the question, when they do: partial matches say so."""
    if len(topics) < 2 or not hits:
        return []
    missing = [t for t in topics if t not in hits[0].matched_terms]
    if missing:
        found = [t for t in topics if t in hits[0].matched_terms]
        return [f"No lesson matches the whole question: the best match {_quoted(found)} but not {_quoted(missing)}."]
    partial = next((i for i, h in enumerate(hits) if any(t not in h.matched_terms for t in topics)), None)
    if partial is None:
        return []
    return [f"From hit {offset + partial + 1} on, lessons match only part of the question."]


def _over_budget(u: Understanding, options: SearchOptions) -> list[str]:
    """What the question's budget left undone, when it did: words not searched, typos not looked for."""
    left_out, unchecked, too_long = u.unsearched.left_out, u.unsearched.unchecked, u.unsearched.too_long
    notes = []
    if left_out:
        notes.append(f"Only the first {options.max_terms} words of the question were searched (setting "
                     f"max_terms), not {_quoted(list(left_out[:5]))}{'…' if len(left_out) > 5 else ''}.")
    if unchecked:
        notes.append(f"Only the first {options.max_typo_checks} unknown words were checked for typos (setting "
                     f"max_typo_checks), not {_quoted(list(unchecked[:5]))}{'…' if len(unchecked) > 5 else ''}.")
    if too_long:
        notes.append(f"Words longer than {options.max_word_chars} letters are taken as typed (setting "
                     f"max_word_chars).")
    return notes


def _quoted(words: list[str]) -> str:
    """The words in typographic quotes, comma-separated, for a notice (a long word cut short)."""
    return ", ".join(f"“{w if len(w) <= QUOTED_CHARS else w[:QUOTED_CHARS - 1] + '…'}”" for w in words)
