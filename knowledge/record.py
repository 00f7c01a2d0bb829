"""The lesson record: one iEvalDiscovery "lesson learned" page as an immutable value, and the one
list of its prose fields with their labels."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

#: The one list of a lesson's prose fields, in the order a reader meets them on the page, each with
#: the label a reader is shown ("From the lesson's administrative issues"). Everything else that
#: names the prose fields (the parser, the page writer, the index, the summary, the search
#: settings, the doors) reads them from here.
FIELD_LABELS: Mapping[str, str] = MappingProxyType({
    "comments": "comments",
    "challenges": "challenges",
    "success": "success",
    "context": "context",
    "description": "description",
    "administrative_issues": "administrative issues",
})
#: The prose fields' names alone, in page order.
PROSE_FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)


def _pair_side(pairs: str, side: int, doc: str) -> property:
    """A read-only view of one side of a tuple-of-pairs field: its non-empty values, each once."""
    return property(lambda lesson: _distinct(pair[side] for pair in getattr(lesson, pairs)), doc=doc)


def _joined(values: str, doc: str) -> property:
    """A read-only view of a tuple property joined with ", " for display."""
    return property(lambda lesson: ", ".join(getattr(lesson, values)), doc=doc)


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    """The non-empty values in order, each once."""
    return tuple(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True)
class Lesson:
    """One lesson learned, as parsed from its page; every text field is "" when absent."""

    id: str
    url: str
    title: str
    eval_number: str = ""
    eval_title: str = ""
    eval_url: str = ""
    themes: tuple[tuple[str, str], ...] = ()
    locations: tuple[tuple[str, str], ...] = ()
    comments: str = ""
    challenges: str = ""
    success: str = ""
    context: str = ""
    description: str = ""
    administrative_issues: str = ""
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    source: str = ""

    @property
    def display_title(self) -> str:
        """The title, or the lesson's URL for the rare page that has none."""
        return self.title or self.url

    # Pages name each place as (country, region) and each theme as (theme, category); the views
    # below read one side of those pairs, distinct and in page order, or that side joined for display.
    countries = _pair_side("locations", 0, "Every country of the lesson, in page order, without repeats.")
    regions = _pair_side("locations", 1, "Every region of the lesson, in page order, without repeats.")
    theme_values = _pair_side("themes", 0, "Every theme (without its category), in page order, once each.")
    category_values = _pair_side("themes", 1, "Every category of the lesson, in page order, once each.")
    country = _joined("countries", 'The countries joined for display ("Philippines, Paraguay, Zambia").')
    region = _joined("regions", "The regions joined for display.")

    @property
    def theme_names(self) -> tuple[str, ...]:
        """Every theme and category of the lesson, without repeats, case aside (a theme and a
        category often share a name: "Social protection" and "Social Protection" show once)."""
        names = {}
        for name in (name for pair in self.themes for name in pair if name):
            names.setdefault(name.casefold(), name)
        return tuple(names.values())

    def prose(self) -> dict[str, str]:
        """The non-empty prose fields, by name, in page order."""
        return {name: getattr(self, name) for name in PROSE_FIELDS if getattr(self, name)}

    def to_dict(self) -> dict[str, object]:
        """Every field as plain JSON-ready values (used by the API and `--json`)."""
        return {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "eval_number": self.eval_number,
            "eval_title": self.eval_title,
            "eval_url": self.eval_url,
            "themes": [{"theme": t, "category": c} for t, c in self.themes],
            "locations": [{"country": c, "region": r} for c, r in self.locations],
            "country": self.country,
            "region": self.region,
            **{name: getattr(self, name) for name in PROSE_FIELDS},
            "extra": dict(self.extra),
        }
