"""Words joined by "or": alternatives of one concept ("missing or unreliable data").

A question that says "A or B" is answered by a lesson with either, so the two are one concept
whose alternatives are both words; one that no lesson holds leaves the other to stand for both
(it is neither reported as missing nor counted against the lessons' coverage).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .understand import Concept


def either_or(words: list[str], positions: set[int]) -> set[tuple[int, int]]:
    """The pairs of question words joined by "or" ("missing or unreliable data"), as positions."""
    return {(i, i + 2) for i in positions if i + 2 in positions and words[i + 1] == "or"}


def joined(found: list[tuple[Concept, range]], content: list[int],
           links: set[tuple[int, int]]) -> list[tuple[Concept, range]]:
    """The concepts (with their spans in `content`) with those joined by "or" made one."""
    out: list[tuple[Concept, range]] = []
    for concept, span in found:
        if out and (content[out[-1][1][-1]], content[span[0]]) in links:
            first, first_span = out.pop()
            if first.alternatives and concept.alternatives:
                concept = type(concept)(f"{first.label} or {concept.label}",
                                        first.alternatives + concept.alternatives,
                                        first.stems | concept.stems, max(first.certainty, concept.certainty))
            elif first.alternatives:
                concept = first
            span = range(first_span[0], span[-1] + 1)
        out.append((concept, span))
    return out
