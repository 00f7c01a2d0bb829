"""Search settings: plain values the knowledge base is built with (the doors read them from config)."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class SearchOptions:
    """How the search ranks and how much it answers; every field has a documented default."""

    #: Hits per answer when the caller names no limit.
    default_limit: int = 5
    #: The most hits one answer may hold, whatever the caller asks.
    max_limit: int = 50
    #: Longer queries are refused with a clear message rather than searched.
    max_query_chars: int = 500
    #: Lowest rapidfuzz score (0-100) a lesson needs to count as a match.
    min_score: float = 60.0
    #: Extra synonyms: a word or acronym → the words it also means (added to the bundled thesaurus).
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
