"""Query understanding and ranking: from the words a user typed to a page of explained hits.

The pipeline, each step a small function: parse the filters out (`query.parse_query`), fold and
split the words, recognise places, intent and filler, group the words into *concepts* (a word, its
thesaurus equivalents and its typo correction are one concept), score every concept from the
inverted index, keep lessons that cover enough of the concepts, rank by BM25F scaled by coverage,
add the proximity and intent bonuses to the leaders, collapse near-duplicates, explain.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Callable

import numpy as np

from .answer import Answer, Hit
from .index import InvertedIndex, field_bit, idf_of
from .options import SearchOptions
from .query import parse_query
from .spelling import SpellingIndex
from .record import Lesson
from .summary import Cut, cut_sentences, summarize
from .text import QUERY_FILLER, STOP_WORDS, WORD, fold, stem
from .vocabulary import CHALLENGE_PAIRS, INTENT_WORDS, PLACE_NOUNS, SUCCESS_PAIRS, Places, Term, Thesaurus

FACETS = ("country", "region", "theme")
FACET_SIZE = 10


@dataclass
class Concept:
    """One thing the query asks about: the alternatives that count as finding it, best first."""

    label: str
    alternatives: list[tuple[tuple[int, ...], float]] = field(default_factory=list)
    stems: set[str] = field(default_factory=set)
    #: How sure the search is that this is what was typed (below 1 for a typo correction).
    certainty: float = 1.0
    #: A place named in the question (the lessons located there rank first).
    place: bool = False

    @property
    def terms(self) -> np.ndarray:
        """Every term id of every alternative, sorted."""
        return np.array(sorted({t for ids, _ in self.alternatives for t in ids}), dtype=np.int32)


@dataclass
class Understanding:
    """What the search made of a query before ranking."""

    concepts: list[Concept]
    filters: tuple[tuple[str, str], ...]
    excluded: tuple[int, ...]
    phrases: tuple[str, ...]
    intent: str
    corrections: list[tuple[str, str]]
    unknown: list[str]
    stop_only: bool
    place_only: bool
    preferred: tuple[tuple[str, str], ...] = ()


#: How many lessons' cut sentences a knowledge base keeps (a few MB; the lessons people see most).
SENTENCE_CACHE = 4096


class Searcher:
    """The ranked, typo-tolerant search over an `InvertedIndex` of the lessons."""

    def __init__(self, lessons: list[Lesson], options: SearchOptions) -> None:
        self.lessons = lessons
        self.options = options
        self.index = InvertedIndex(lessons, options.field_weights, options.bm25_k1, options.bm25_b)
        self.thesaurus = Thesaurus.bundled(options.synonyms)
        # Lessons share their few place and theme combinations: each is worked out once.
        places_of: dict[tuple, tuple] = {}
        themes_of: dict[tuple, tuple] = {}
        values = []
        for lesson in lessons:
            places = places_of.get(lesson.locations)
            if places is None:
                places = places_of[lesson.locations] = (lesson.countries, lesson.regions)
            themes = themes_of.get(lesson.themes)
            if themes is None:
                themes = themes_of[lesson.themes] = (lesson.theme_values, lesson.category_values)
            values.append((*places, *themes, (lesson.eval_number,) if lesson.eval_number else ()))
        self.places = Places({c for cs, _ in places_of.values() for c in cs},
                             {r for _, rs in places_of.values() for r in rs})
        self._filters = {name: _Facet([v[i] for v in values])
                         for i, name in enumerate(("country", "region", "theme", "category", "eval"))}
        self._facets = {name: self._filters[name] for name in FACETS}
        self._n_places = np.array([max(len(v[0]), 1) for v in values], dtype=np.int32)
        self._eval_of = _Facet([(lesson.eval_number or f"lesson:{lesson.id}",) for lesson in lessons])
        #: Words a question may use that need no lesson to hold them: filler, intent, place names.
        self._query_words = frozenset(STOP_WORDS | QUERY_FILLER | PLACE_NOUNS | INTENT_WORDS["challenges"]
                                      | INTENT_WORDS["success"] | {w for pair in SUCCESS_PAIRS | CHALLENGE_PAIRS
                                                                   for w in pair}
                                      | {w for name in self.places.names for w in name}
                                      | self.thesaurus.words)
        self._query_spelling = SpellingIndex(sorted(w for w in self._query_words if w.isalpha()),
                                             [1] * len([w for w in self._query_words if w.isalpha()]))
        #: The lessons that repeat an earlier one's prose (few), and that earlier lesson of each.
        self._duplicates = np.flatnonzero(self.index.duplicate_of != np.arange(len(lessons), dtype=np.int32))
        self._originals = self.index.duplicate_of[self._duplicates]
        #: Each lesson's prose cut into sentences on first use, kept for the lessons shown most.
        self._cut: Callable[[int], Cut] = lru_cache(maxsize=SENTENCE_CACHE)(
            lambda doc: cut_sentences(self.lessons[doc]))

    # -- understanding ------------------------------------------------------------------------

    def understand(self, raw: str) -> Understanding:
        """Filters, concepts, intent, corrections and unknown words of a raw query."""
        parsed = parse_query(raw)
        typed = WORD.findall(fold(parsed.text))
        words, certainty, corrections, unknown = self._spell(typed)
        intent, intent_words = _intent(words)
        places = self.places.find(words)
        in_place = {i for start, end, *_ in places for i in range(start, end)}
        content = [i for i, w in enumerate(words)
                   if i not in in_place and i not in unknown and _is_content(w, i, intent_words)]
        if places:
            content = [i for i in content if words[i] not in PLACE_NOUNS]
        filters = tuple(parsed.filters)
        place_only = bool(places) and not content and len({p[2:] for p in places}) == 1
        if place_only:
            filters += tuple(dict.fromkeys((name, value) for _, _, name, value in places))
        concepts = self._concepts([words[i] for i in content], [certainty[i] for i in content])
        unknown |= {i for i in content if words[i] in {c.label for c in concepts if not c.alternatives}}
        concepts = [c for c in concepts if c.alternatives]
        if not place_only:
            for start, end, name, value in places:
                concepts.append(self._place_concept(value, min(certainty[start:end])))
        excluded = tuple(t for w in parsed.excluded for t in [self.index.term_id(stem(fold(w)))] if t >= 0)
        stop_only = not typed and not filters or (bool(typed) and not content and not places and not unknown)
        preferred = () if place_only else tuple(dict.fromkeys((name, value) for _, _, name, value in places))
        return Understanding(concepts, filters, excluded, parsed.phrases, intent, corrections,
                             [typed[i] for i in sorted(unknown)], stop_only and not filters, place_only, preferred)

    def _known(self, word: str) -> bool:
        """True for a word the search understands as typed (no spelling correction needed)."""
        return (word in self._query_words or word.isdigit() or self.index.term_id(stem(word)) >= 0
                or (stem(word),) in self.thesaurus)

    def _spell(self, typed: list[str]) -> tuple[list[str], list[float], list[tuple[str, str]], set[int]]:
        """(words with typos corrected, certainty of each, corrections made, positions of unknown words)."""
        words, certainty, corrections, unknown = [], [], [], set()
        for i, word in enumerate(typed):
            if self._known(word):
                words.append(word)
                certainty.append(1.0)
                continue
            near = sorted(self.index.spelling.nearest(word) + self._query_spelling.nearest(word),
                          key=lambda we: we[1])
            if near:
                fixed, edits = near[0]
                corrections.append((word, fixed))
                words.append(fixed)
                certainty.append(self.options.typo_penalty ** edits)
            else:
                words.append(word)
                certainty.append(0.0)
                unknown.add(i)
        return words, certainty, corrections, unknown

    def _concepts(self, content: list[str], certainty: list[float]) -> list[Concept]:
        """Group content words into concepts: thesaurus phrases first, then single words."""
        stems = [stem(w) for w in content]
        concepts = []
        i = 0
        while i < len(content):
            for n in range(min(self.thesaurus.longest, len(content) - i), 1, -1):
                term = tuple(stems[i:i + n])
                if term in self.thesaurus:
                    concepts.append(self._concept(" ".join(content[i:i + n]), term, min(certainty[i:i + n])))
                    i += n
                    break
            else:
                concepts.append(self._concept(content[i], (stems[i],), certainty[i]))
                i += 1
        return concepts

    def _concept(self, label: str, term: Term, weight: float) -> Concept:
        concept = Concept(label, certainty=weight)
        for alternative, w in [(term, weight), *((t, weight * self.options.synonym_weight)
                                                for t in self.thesaurus.equivalents(term))]:
            ids = tuple(self.index.term_id(s) for s in alternative)
            if all(t >= 0 for t in ids):
                concept.alternatives.append((ids, w))
                concept.stems.update(alternative)
        return concept

    def _place_concept(self, value: str, certainty: float) -> Concept:
        words = [w for w in WORD.findall(fold(value)) if w not in STOP_WORDS]
        concept = self._concept(value, tuple(stem(w) for w in words), certainty)
        concept.place = True
        return concept

    # -- ranking ------------------------------------------------------------------------------

    def ask(self, query: str, limit: int, offset: int = 0, *, explain: bool = True) -> Answer:
        """A page of hits for `query`, with totals, facets, filters, corrections and a notice.

        `explain=False` leaves the hits' summaries out (the benchmark times ranking alone with it).
        """
        u = self.understand(query)
        corrections = tuple(u.corrections)
        if u.stop_only:
            return Answer(query=query, notice="The question has only common words; name a topic, a place or a theme.",
                          suggestions=self._popular_themes())
        # Unknown words beside nothing but as many (or fewer) corrected guesses: too weak to answer.
        if u.unknown and not u.place_only and all(c.certainty < 1.0 for c in u.concepts) \
                and len(u.unknown) >= len(u.concepts):
            return Answer(query=query, corrections=corrections, filters=u.filters,
                          notice=f"No lesson mentions {_quoted(u.unknown)}.",
                          suggestions=self._suggest(u.unknown))
        allowed = self._allowed(u.filters)
        if not u.concepts:
            matched = np.flatnonzero(allowed) if allowed is not None else np.arange(len(self.lessons))
            scores = 1.0 / self._n_places[matched]
            concept_hits: list[np.ndarray] = []
        else:
            matched, scores, concept_hits = self._score(u, allowed)
        if u.phrases and len(matched):
            keep = self._with_phrases(matched, u.phrases)
            matched, scores = matched[keep], scores[keep]
        if u.excluded and len(matched):
            banned = np.concatenate([self.index.postings(t)[0] for t in u.excluded])
            keep = ~np.isin(matched, banned)
            matched, scores = matched[keep], scores[keep]
        if not len(matched):
            notice = ("No lesson matches the filters." if not u.concepts or (allowed is not None and not allowed.any()) else
                      f"No lesson mentions {_quoted(u.unknown)}, and none matches enough of the rest." if u.unknown else
                      "No lesson matches enough of the question.")
            return Answer(query=query, filters=u.filters, corrections=corrections, notice=notice,
                          suggestions=tuple(dict.fromkeys([*self._suggest(u.unknown), *(used for _, used in corrections),
                                                           *(c.label for c in u.concepts if c.certainty == 1.0)]))[:5])
        ranked, total, grouped = self._rank(matched, scores, u, offset + limit, concept_hits)
        page = ranked[offset:offset + limit]
        stems = {s for c in u.concepts for s in c.stems}
        weights = {s: float(self.index.idf[self.index.term_id(s)]) for s in stems if self.index.term_id(s) >= 0}
        spellings = self._spellings(weights) if explain else {}
        hits = []
        for doc, score in page:
            lesson = self.lessons[doc]
            found = tuple(c.label for c, docs in zip(u.concepts, concept_hits) if _has(docs, doc))
            summary, source, spans = (summarize(lesson, weights, u.intent, spellings=spellings, cut=self._cut(doc))
                                      if explain else ("", "", ()))
            hits.append(Hit(lesson, round(float(score), 4), summary, source, spans, found,
                            tuple(self.lessons[d].id for d in grouped.get(doc, ()))))
        notices = [f"Not in any lesson, so left out: {_quoted(u.unknown)}."] if u.unknown else []
        if u.preferred:
            notices.append(f"Lessons from {' or '.join(v for _, v in u.preferred)} first.")
        notice = " ".join(notices)
        return Answer(query=query, hits=tuple(hits), total=total, offset=offset, filters=u.filters,
                      corrections=corrections, facets=self._facet_counts(matched), notice=notice)

    def _score(self, u: Understanding, allowed: np.ndarray | None):
        """(matched lessons, their scores, per-concept matching lessons) before the final ranking.

        The postings of one-word concepts go into two `np.bincount`s (BM25F sum and coverage), one
        pass each at C speed; a concept with alternatives (thesaurus, phrases) is already a
        corpus-long array of its best alternative per lesson, and is added as it is.
        """
        n = len(self.lessons)
        concept_hits, values, weights, dense = [], [], [], []
        intent = np.zeros(n, dtype=bool) if u.intent else None
        bit = field_bit(u.intent) if u.intent else 0
        for concept in u.concepts:
            docs, scores = self._concept_scores(concept, intent, bit)
            idf = max(float(np.max(self.index.idf[list(ids)])) for ids, _ in concept.alternatives)
            weight = max(idf, 0.1)
            weights.append(weight)
            if docs is None:
                dense.append((scores, weight))
                concept_hits.append(scores)
            else:
                concept_hits.append(docs)
                values.append((docs, scores, weight))
        # Each concept lists a lesson at most once, so the sums are each lesson's own.
        if values:
            # bincount reads lesson numbers as intp: convert once for both passes.
            docs = np.concatenate([d for d, _, _ in values], dtype=np.intp) if len(values) > 1 \
                else values[0][0].astype(np.intp)
            cover = np.bincount(docs, weights=np.repeat([w for _, _, w in values], [len(d) for d, _, _ in values]),
                                minlength=n)
            total = np.bincount(docs, weights=np.concatenate([v for _, v, _ in values]) if len(values) > 1
                                else values[0][1], minlength=n)
        else:
            cover, total = np.zeros(n), np.zeros(n)
        for best, weight in dense:
            cover += (best > 0) * weight
            total += best
        # A word no lesson has is the rarest of all: it counts against every lesson's coverage.
        whole = sum(weights) + len(u.unknown) * idf_of(n, 0)
        ok = cover >= (self.options.min_coverage - 1e-6) * whole
        if allowed is not None:
            ok &= allowed
        matched = np.flatnonzero(ok)
        power = self.options.coverage_power
        if 4 * len(matched) > n:  # most lessons: whole-array arithmetic, then one gather
            scores = (total.astype(np.float32) * (cover / whole) ** power)[matched]
        else:
            scores = total[matched].astype(np.float32) * (cover[matched] / whole) ** power
        if intent is not None:
            scores = scores * np.where(intent[matched], 1.0 + self.options.intent_bonus, 1.0)
        return matched, scores, concept_hits

    def _concept_scores(self, concept: Concept, intent: np.ndarray | None, bit: int):
        """(lessons, score) of one concept; (None, a corpus-long array of the best alternative's score
        in each lesson, 0 where none) for a concept of several alternatives or a phrase."""
        if len(concept.alternatives) == 1 and len(concept.alternatives[0][0]) == 1:
            (term,), weight = concept.alternatives[0]
            docs, impacts, fields = self.index.postings(term)
            if intent is not None:
                intent[docs[(fields & bit) != 0]] = True
            return docs, impacts * np.float32(weight)
        best = np.zeros(len(self.lessons), dtype=np.float32)
        for i, (ids, weight) in enumerate(concept.alternatives):
            if len(ids) == 1:
                docs, impacts, fields = self.index.postings(ids[0])
            else:
                docs, impacts, fields = self._phrase_alternative(ids)
            if i == 0:  # nothing to compare with yet: one scatter, no gather
                best[docs] = impacts * np.float32(weight)
            else:
                values = best[docs]
                np.maximum(values, impacts * np.float32(weight), out=values)
                best[docs] = values
            if intent is not None:
                intent[docs[(fields & bit) != 0]] = True
        return None, best

    def _phrase_alternative(self, ids: tuple[int, ...]):
        """A multi-word alternative: lessons with most of its words, scored by their mean impact."""
        n = len(self.lessons)
        parts = [self.index.postings(t) for t in ids]
        if len(parts) == 2:  # both words needed: look the shorter list up in the longer one
            (a, a_impacts, a_fields), (b, b_impacts, b_fields) = sorted(parts, key=lambda p: len(p[0]))
            at = _within_at(a, b)
            both = at >= 0
            at = at[both]
            sums = a_impacts[both].astype(np.float64) + b_impacts[at]
            return a[both], (sums / 2).astype(np.float32), a_fields[both] | b_fields[at]
        docs = np.concatenate([p[0] for p in parts])
        counts = np.bincount(docs, minlength=n)
        keep = np.flatnonzero(counts * 2 > len(ids)).astype(np.int32)
        sums = np.bincount(docs, weights=np.concatenate([p[1] for p in parts]), minlength=n)[keep]
        fields = np.zeros(n, dtype=np.int16)
        for part_docs, _, part_fields in parts:  # a word lists a lesson once: plain |= is exact
            fields[part_docs] |= part_fields
        counts = counts[keep]
        complete = (counts / len(ids)) ** 2
        return keep, (sums / len(ids) * complete).astype(np.float32), fields[keep]

    def _rank(self, matched: np.ndarray, scores: np.ndarray, u: Understanding, wanted: int,
              concept_hits: list[np.ndarray]):
        """The page's leaders best first as (lesson, score), the total, and what was folded into each."""
        first = np.zeros(len(matched), dtype=bool)
        if u.preferred:
            first = self._anywhere(u.preferred)[matched]
        key = scores + first * (float(scores.max()) + 1.0) if first.any() else scores
        depth = min(len(matched), max(50, 3 * wanted))
        top = _top(key, depth)
        docs, top_scores, first = matched[top], scores[top], first[top]
        if len(u.concepts) > 1 and self.options.proximity_bonus:
            # Only the leaders can move up a page, so only they are read word by word.
            lead = np.argsort(-top_scores, kind="stable")[:max(20, wanted + 10)]
            top_scores = top_scores.copy()
            top_scores[lead] *= 1.0 + self.options.proximity_bonus * self._proximity(docs[lead], u.concepts)
        order = np.lexsort((docs, -top_scores, ~first))
        docs, top_scores = docs[order], top_scores[order]
        # A duplicate counts only when its original is not matched too (`matched` is sorted).
        repeated = _within(self._duplicates, matched) & _within(self._originals, matched)
        total = len(matched) - int(np.count_nonzero(repeated))
        groups = self.index.duplicate_of[docs]
        grouped: dict[int, list[int]] = {}
        if self.options.group_by_evaluation:
            groups = self._eval_of.first_value(docs)
        _, first = np.unique(groups, return_index=True)
        keep = np.zeros(len(docs), dtype=bool)
        keep[first] = True
        leaders = {int(g): int(d) for g, d in zip(groups[keep], docs[keep])}
        for g, d in zip(groups[~keep], docs[~keep]):
            grouped.setdefault(leaders[int(g)], []).append(int(d))
        if self.options.group_by_evaluation:
            total = len(np.unique(self._eval_of.first_value(matched)))
        return list(zip(docs[keep].tolist(), top_scores[keep].tolist())), total, grouped

    def _proximity(self, docs: np.ndarray, concepts: list[Concept]) -> np.ndarray:
        """Share of neighbouring query concepts that also stand together (within 2 words) in each lesson."""
        start, end = self.index.stream_start[docs], self.index.stream_start[docs + 1]
        lengths = end - start
        positions = np.repeat(start - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths) + np.arange(lengths.sum())
        tokens, fields = self.index.stream[positions], self.index.stream_field[positions]
        owner = np.repeat(np.arange(len(docs)), lengths)
        member = [_member(tokens, c.terms) for c in concepts]
        together = np.zeros(len(docs))
        pairs = 0
        for a, b in zip(member, member[1:]):
            pairs += 1
            near = np.zeros(len(docs), dtype=bool)
            for gap in (1, 2):
                if len(tokens) <= gap:
                    continue
                same = (owner[:-gap] == owner[gap:]) & (fields[:-gap] == fields[gap:])
                hit = same & ((a[:-gap] & b[gap:]) | (b[:-gap] & a[gap:]))
                near[owner[:-gap][hit]] = True
            together += near
        return together / max(pairs, 1)

    def _with_phrases(self, matched: np.ndarray, phrases: tuple[str, ...]) -> np.ndarray:
        """Which matched lessons contain every exact phrase (folded, any punctuation between words)."""
        patterns = [re.compile(r"\b" + r"\W+".join(map(re.escape, WORD.findall(fold(p)))) + r"\b") for p in phrases]
        texts = (fold(" \n ".join((l.title, l.eval_title, *l.theme_names, *l.prose().values())))
                 for l in (self.lessons[d] for d in matched))
        return np.array([all(p.search(t) for p in patterns) for t in texts], dtype=bool)

    def _anywhere(self, places: tuple[tuple[str, str], ...]) -> np.ndarray:
        """A mask of the lessons located in any of these places."""
        mask = np.zeros(len(self.lessons), dtype=bool)
        for place in places:
            mask |= self._allowed((place,))
        return mask

    def _allowed(self, filters: tuple[tuple[str, str], ...]) -> np.ndarray | None:
        """A mask of the lessons every filter lets through (None: no filter)."""
        if not filters:
            return None
        mask = np.ones(len(self.lessons), dtype=bool)
        by_name: dict[str, list[str]] = {}
        for name, value in filters:
            by_name.setdefault(name, []).append(fold(value))
        for name, wanted in by_name.items():
            facet = self._filters[name]
            ok = [i for i, v in enumerate(facet.folded) if any(_filter_matches(name, w, v) for w in wanted)]
            mask &= facet.mask(ok, len(self.lessons))
        return mask

    # -- explaining ---------------------------------------------------------------------------

    def _facet_counts(self, matched: np.ndarray) -> MappingProxyType:
        outside = False
        if 2 * len(matched) > len(self.lessons):  # most lessons match: count the others, fewer
            mask = np.ones(len(self.lessons), dtype=bool)
            mask[matched] = False
            matched, outside = np.flatnonzero(mask), True
        return MappingProxyType({name: facet.counts(matched, FACET_SIZE, outside) for name, facet in self._facets.items()})

    def _spellings(self, stems) -> dict[str, str]:
        """Every folded word of the lessons whose stem is one of `stems`, with that stem."""
        return {w: s for s in stems for w in self.index.spellings(self.index.term_id(s))}

    def _suggest(self, unknown: list[str]) -> tuple[str, ...]:
        """Known words nearest the unknown ones (up to two edits), commonest first."""
        found = []
        for word in unknown:
            found += [w for w, _ in self.index.spelling.nearest(word, budget=2 if len(word) >= 4 else 0, limit=3)]
        return tuple(dict.fromkeys(found))[:5]

    def _popular_themes(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self._facets["theme"].counts(np.arange(len(self.lessons)), 5))

    def related(self, lesson_id: str, limit: int = 5) -> list[Hit]:
        """Lessons most like one lesson: its most telling words, searched together."""
        doc = next((i for i, l in enumerate(self.lessons) if l.id == lesson_id), None)
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
        values = np.concatenate([p[1] * weight[t] for p, t in zip(parts, terms)])
        scores = np.bincount(docs, weights=values, minlength=len(self.lessons))
        twin = self.index.duplicate_of[doc]
        scores[self.index.duplicate_of == twin] = 0
        order = [int(d) for d in np.argsort(-scores, kind="stable")[:limit] if scores[d] > 0]
        stems = {s: float(self.index.idf[t]) for s, t in self.index.stem_ids.items() if t in set(terms)}
        spellings = self._spellings(stems)
        hits = []
        top = scores[order[0]] if order else 1.0
        for d in order:
            summary, source, spans = summarize(self.lessons[d], stems, "", spellings=spellings, cut=self._cut(d))
            hits.append(Hit(self.lessons[d], round(float(scores[d] / top), 4), summary, source, spans))
        return hits


def _filter_matches(name: str, wanted: str, value: str) -> bool:
    """A filter value matches the whole value or its first words (`theme:gender` finds "Gender
    equality"), never a piece of a word (`country:niger` is not Nigeria, `sudan` not South Sudan);
    an evaluation number matches exactly. Both sides are folded."""
    if name == "eval":
        return wanted == value
    return value == wanted or value.startswith(wanted + " ")


class _Facet:
    """Values of one facet per lesson, as flat arrays for counting and filtering without loops.

    Each lesson's combination of values (usually one country, a few themes) gets an id, so
    counting a match set is one gather and one bincount, however many values a lesson has.
    """

    def __init__(self, values: list[tuple[str, ...]]) -> None:
        combos: dict[tuple[str, ...], int] = {}  # a lesson's values are distinct already
        self.combo = np.fromiter(map(lambda vs: combos.setdefault(vs, len(combos)), values), dtype=np.int32,
                                 count=len(values))
        ids: dict[str, int] = {}  # in order of first use, as lesson by lesson
        self.combo_value = np.array([ids.setdefault(v, len(ids)) for c in combos for v in c], dtype=np.int32)
        self.names = list(ids)
        self.folded = [fold(v) for v in self.names]
        self.alphabetical = np.argsort(np.argsort(self.folded, kind="stable"), kind="stable")
        self.n_combos = len(combos)
        self.combo_total = np.bincount(self.combo, minlength=self.n_combos)
        combo_len = np.array([len(c) for c in combos], dtype=np.int64)
        self.combo_owner = np.repeat(np.arange(len(combos), dtype=np.int32), combo_len)
        # Each lesson's values, flat (its combination's, copied with numpy).
        lengths = combo_len[self.combo] if len(values) else np.zeros(0, np.int64)
        self.start = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.owner = np.repeat(np.arange(len(values), dtype=np.int32), lengths)
        combo_start = np.concatenate(([0], np.cumsum(combo_len)[:-1])).astype(np.int64)
        at = np.repeat(combo_start[self.combo] - self.start[:-1], lengths) + np.arange(int(self.start[-1]))
        self.value = self.combo_value[at]

    def counts(self, docs: np.ndarray, size: int, outside: bool = False) -> tuple[tuple[str, int], ...]:
        """The `size` commonest values among the lessons `docs` (all but them when `outside`),
        commonest first, ties A-Z.

        Lessons are counted by their combination of values (few distinct ones: a country, a pair
        of themes), one gather and one bincount over `docs`; the combinations' counts then spread
        to their values over a short array.
        """
        per_combo = np.bincount(self.combo[docs], minlength=self.n_combos)
        if outside:
            per_combo = self.combo_total - per_combo
        counts = np.bincount(self.combo_value, weights=per_combo[self.combo_owner], minlength=len(self.names))
        return self.top(counts.astype(np.int64), size)

    def top(self, counts: np.ndarray, size: int) -> tuple[tuple[str, int], ...]:
        """The `size` commonest values by their `counts`, commonest first, ties A-Z."""
        order = np.lexsort((self.alphabetical, -counts))[:size]
        return tuple((self.names[i], int(counts[i])) for i in order.tolist() if counts[i])

    def mask(self, value_ids: list[int], n: int) -> np.ndarray:
        """The lessons holding any of these values."""
        mask = np.zeros(n, dtype=bool)
        mask[self.owner[np.isin(self.value, value_ids)]] = True
        return mask

    def first_value(self, docs: np.ndarray) -> np.ndarray:
        return self.value[self.start[docs]]


def _member(tokens: np.ndarray, sorted_terms: np.ndarray) -> np.ndarray:
    """Which tokens are among `sorted_terms` (a sorted search, faster than np.isin for few terms)."""
    at = np.minimum(np.searchsorted(sorted_terms, tokens), len(sorted_terms) - 1)
    return sorted_terms[at] == tokens


def _top(key: np.ndarray, depth: int) -> np.ndarray:
    """Positions of the `depth` largest keys (any order; all when fewer).

    On a long array, the `depth`-th largest of every 16th key is a floor the true `depth` largest
    all reach, so only the keys above it (about 16 × depth) are partitioned.
    """
    if depth >= len(key):
        return np.arange(len(key))
    if len(key) >= 64 * depth:
        sample = key[::16]
        floor = np.partition(sample, len(sample) - depth)[len(sample) - depth]
        above = np.flatnonzero(key >= floor)
        return above[np.argpartition(-key[above], depth - 1)[:depth]]
    return np.argpartition(-key, depth - 1)[:depth]


def _within(docs: np.ndarray, sorted_docs: np.ndarray) -> np.ndarray:
    """Which of `docs` are among `sorted_docs`, by binary search (no array as long as the corpus)."""
    if not len(sorted_docs):
        return np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_docs, docs.astype(sorted_docs.dtype)), len(sorted_docs) - 1)
    return sorted_docs[at] == docs


def _within_at(docs: np.ndarray, sorted_docs: np.ndarray) -> np.ndarray:
    """The position of each of `docs` in `sorted_docs`, -1 where absent."""
    if not len(sorted_docs):
        return np.full(len(docs), -1, dtype=np.int64)
    at = np.minimum(np.searchsorted(sorted_docs, docs), len(sorted_docs) - 1)
    return np.where(sorted_docs[at] == docs, at, -1)


def _has(docs: np.ndarray, doc: int) -> bool:
    """True when the sorted lesson numbers `docs` hold `doc` (or, for a corpus-long float array of
    scores, when its score there is not 0)."""
    if docs.dtype.kind == "f":
        return bool(docs[doc] > 0)
    i = int(np.searchsorted(docs, docs.dtype.type(doc)))  # a Python int would copy `docs` to int64
    return i < len(docs) and int(docs[i]) == doc


def _intent(words: list[str]) -> tuple[str, set[int]]:
    """("challenges", "success" or "", positions of the words that only said so) for a question."""
    found: dict[str, set[int]] = {}
    for i, word in enumerate(words):
        for name, vocab in INTENT_WORDS.items():
            if word in vocab:
                found.setdefault(name, set()).add(i)
    for i, pair in enumerate(zip(words, words[1:])):
        if pair in SUCCESS_PAIRS:
            found.setdefault("success", set()).update((i, i + 1))
        elif pair in CHALLENGE_PAIRS:
            found.setdefault("challenges", set()).update((i, i + 1))
    if len(found) != 1:
        return "", set()
    ((name, positions),) = found.items()
    return name, positions


def _is_content(word: str, position: int, intent_words: set[int]) -> bool:
    """True for a word that says what the question is about (not filler, stop word or intent)."""
    return word not in STOP_WORDS and word not in QUERY_FILLER and position not in intent_words


def _quoted(words: list[str]) -> str:
    return ", ".join(f"“{w}”" for w in words)
