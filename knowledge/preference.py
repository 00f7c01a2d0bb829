"""Which matched lessons a question puts first, and the notice that says why.

A question that names a place among other words ("youth employment Africa") has a topic and a
place. The lessons on the topic from the place come first, then the place's other lessons. When
no lesson from the place is on the topic, the topic comes before the place: the lessons on it
from elsewhere first, and the notice says that the place has none. A question that names a theme
or category ("cooperatives") puts the lessons filed under it first. Within each tier, the lessons
that match all of the question any lesson matches come before partial matches.
"""
from __future__ import annotations

import numpy as np

from .facets import Facets
from .understand import Understanding

#: A lesson is on the question's topic when it matches at least this share of what the best
#: lesson matches of the question's words other than its place.
ON_TOPIC = 0.5
LABELS = ("theme", "category")


def tiers(facets: Facets, u: Understanding, matched: np.ndarray, topic_share: np.ndarray,
          asked: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """(a tier per matched lesson, higher first; the notice to show) for an understood question.

    `asked`: for a question about one part of a lesson, the share of its topic that part holds in each.
    """
    # Within a tier, the lessons that match all the question any lesson matches come first, and
    # among them, those whose part the question asks about holds the most of it. In place, in
    # int8: this runs over every matched lesson of every question.
    complete = _most(topic_share)
    tier = complete.astype(np.int8)
    tier *= 2
    if asked is not None:
        tier += complete & _most(asked) & (asked > 0)
    if not u.preferred:
        return tier, ""
    first, notice = _named(facets, u, matched, topic_share)
    tier += first * np.int8(4)
    return tier, notice


def _most(share: np.ndarray) -> np.ndarray:
    """Which lessons reach the highest share any lesson reaches."""
    return share >= float(share.max()) - 1e-6 if len(share) else np.zeros(0, dtype=bool)


def _named(facets: Facets, u: Understanding, matched: np.ndarray, topic_share: np.ndarray) -> tuple[np.ndarray, str]:
    """Tiers from the places and labels a question names (it names some): 0 to 2."""
    none = np.zeros(len(matched), dtype=np.int8)
    places = tuple(p for p in u.preferred if p[0] not in LABELS)
    labels = tuple(p for p in u.preferred if p[0] in LABELS)
    tagged = facets.anywhere(labels)[matched] if labels else none.astype(bool)
    if not places:
        return tagged.astype(np.int8), f"Lessons filed under {_either(labels)} first."
    in_place = facets.anywhere(places)[matched]
    topics = [c.label for c in u.concepts if not c.place]
    if not topics:
        return in_place.astype(np.int8), f"Lessons from {_either(places)} first."
    best = float(topic_share.max()) if len(topic_share) else 0.0
    on_topic = (topic_share > 0) & (topic_share >= ON_TOPIC * best) | tagged
    both = on_topic & in_place
    if both.any():  # the place has lessons on the topic: those, then the place's others
        return both.astype(np.int8) + in_place, f"Lessons from {_either(places)} first."
    return (on_topic.astype(np.int8),
            f"No lesson from {_either(places)} is about {' '.join(topics)}; lessons on it from elsewhere come first.")


def _either(named: tuple[tuple[str, str], ...]) -> str:
    return " or ".join(value for _, value in named)
