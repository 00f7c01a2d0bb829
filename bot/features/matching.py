"""Which lessons that a reload added match a subscription's question: by the same search every door
uses, and only honest matches, so a subscription hears of lessons on its whole topic, not on one word.

The honest-match threshold: a new lesson counts when it matches every part of the question that any
lesson matching the question matches (its `matched_terms` hold all of them). A question of filters
alone (`country:Ghana`) is matched by every new lesson its filters let through.

To find the new lessons among thousands of matches without paging through them all, the question is
asked again narrowed to the new lessons' evaluations (`eval:` filters, several mean either).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from knowledge import Hit, KnowledgeBase, narrowed, parse_query

#: When the question cannot be narrowed to the evaluations, look no deeper than this many matches.
MAX_SCAN = 1000


def added(old: KnowledgeBase, new: KnowledgeBase) -> list[str]:
    """Ids of the lessons `new` has and `old` had not, in load order."""
    return [lesson.id for lesson in new if old.get(lesson.id) is None]


def topic(kb: KnowledgeBase, question: str) -> frozenset[str] | None:
    """What the best matches of `question` match of it (the union of their `matched_terms`); None when
    nothing matches at all."""
    answer = kb.ask(question, limit=kb.options.max_limit, explain=False, group=False)
    if not answer.hits:
        return None
    return frozenset(term for hit in answer.hits for term in hit.matched_terms)


def matching(kb: KnowledgeBase, question: str, new_ids: Sequence[str]) -> list[Hit]:
    """The lessons among `new_ids` that match `question` honestly, best first, with their summaries.
    A new lesson folded into another's hit (the same text) comes with that hit's score and no summary."""
    wanted = set(new_ids)
    whole = topic(kb, question) if wanted else None
    if whole is None:
        return []
    found: dict[str, Hit] = {}
    for hit in _candidates(kb, question, [kb.get(i) for i in new_ids]):
        if not whole <= set(hit.matched_terms):
            continue
        if hit.lesson.id in wanted:
            found.setdefault(hit.lesson.id, hit)
        for folded in (i for i in hit.grouped if i in wanted and i not in found):
            found[folded] = Hit(kb.get(folded), hit.score, matched_terms=hit.matched_terms)
    return sorted(found.values(), key=lambda h: -h.score)


def _candidates(kb: KnowledgeBase, question: str, lessons: Sequence) -> Iterable[Hit]:
    """The hits of `question` narrowed to the new lessons' evaluations, batch by batch; or, when it
    cannot be narrowed, its first `MAX_SCAN` hits."""
    evaluations = list(dict.fromkeys(lesson.eval_number for lesson in lessons if lesson is not None))
    batches = _batches(question, evaluations, kb.options.max_query_chars)
    if batches is None:
        yield from _pages(kb, question, MAX_SCAN)
        return
    for query in batches:
        yield from _pages(kb, query, None)


def _batches(question: str, evaluations: list[str], max_chars: int) -> list[str] | None:
    """`question` with as many `eval:` filters as fit in a question, for every evaluation; None when
    that cannot be done (the question has its own `eval:`, a lesson has no evaluation number, or no
    filter fits)."""
    if not evaluations or "" in evaluations or any(name == "eval" for name, _ in parse_query(question).filters):
        return None
    batches, current = [], question
    for number in evaluations:
        longer = narrowed(current, "eval", number)
        if longer is not None and len(longer) <= max_chars:
            current = longer
            continue
        if current == question:
            return None
        batches.append(current)
        current = narrowed(question, "eval", number) or question
        if current == question or len(current) > max_chars:
            return None
    batches.append(current)
    return batches


def _pages(kb: KnowledgeBase, query: str, most: int | None) -> Iterable[Hit]:
    """Every hit of `query` page by page (at most `most`), ungrouped by evaluation."""
    offset, size = 0, kb.options.max_limit
    while most is None or offset < most:
        answer = kb.ask(query, limit=size, offset=offset, group=False)
        yield from answer.hits
        offset += len(answer.hits)
        if not answer.hits or not answer.has_more:
            return
