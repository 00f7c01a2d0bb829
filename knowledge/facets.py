"""Facets: each lesson's countries, regions, themes, categories and evaluation, as flat arrays for
filtering (`country:Kenya`), counting a match set by value, and grouping hits by evaluation."""
from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

import numpy as np

from . import bitsets
from .query import FILTER_NAMES
from .record import Lesson
from .text import fold

#: The facets an answer counts, and how many values of each it lists.
FACETS = ("country", "region", "theme")
FACET_SIZE = 10
#: A facet of at most this many values keeps each value's lessons as a bitset.
BITSET_VALUES = 64


def _factorized(keys: list) -> tuple[np.ndarray, list[int]]:
    """(each key's number, numbered in order of first use; the position of each number's first key)."""
    numbers: dict = {}
    of = np.fromiter(map(lambda key: numbers.setdefault(key, len(numbers)), keys), dtype=np.int32, count=len(keys))
    first = np.unique(of, return_index=True)[1] if len(keys) else np.zeros(0, np.int64)
    return of, first.tolist()


def filter_matches(name: str, wanted: str, value: str) -> bool:
    """A filter value matches the whole value or its first words (`theme:gender` finds "Gender
    equality"), never a piece of a word (`country:niger` is not Nigeria, `sudan` not South Sudan);
    an evaluation number matches exactly. Both sides are folded."""
    if name == "eval":
        return wanted == value
    return value == wanted or value.startswith(wanted + " ")


class Facets:
    """Every facet of every lesson: the filters' masks, the answer's counts, the evaluations."""

    def __init__(self, lessons: Sequence[Lesson], *, compiled: bool = False) -> None:
        """`compiled`: numba is loaded (a large index): count a match set through its bits."""
        self.n = len(lessons)
        self.compiled = compiled
        # Lessons share their place and theme lists: each distinct list is read once (the first
        # lesson holding it stands for it), and each lesson points at its own.
        place_of, places = _factorized([lesson.locations for lesson in lessons])
        theme_of, themes = _factorized([lesson.themes for lesson in lessons])
        eval_of, evals = _factorized([lesson.eval_number for lesson in lessons])
        countries = [lessons[first].countries for first in places]
        regions = [lessons[first].regions for first in places]
        values = {"country": (place_of, countries), "region": (place_of, regions),
                  "theme": (theme_of, [lessons[first].theme_values for first in themes]),
                  "category": (theme_of, [lessons[first].category_values for first in themes]),
                  "eval": (eval_of, [(lessons[first].eval_number,) if lessons[first].eval_number else ()
                                     for first in evals])}
        self.filters = {name: Facet(*values[name]) for name in FILTER_NAMES}
        self.counted = {name: self.filters[name] for name in FACETS}
        #: Every country and region the corpus names.
        self.countries = {c for cs in countries for c in cs}
        self.regions = {r for rs in regions for r in rs}
        #: How many countries each lesson has (at least 1): a place-only question ranks by it.
        self.n_places = np.array([max(len(cs), 1) for cs in countries], dtype=np.int32)[place_of]
        #: Each lesson's evaluation as a number, the same for the lessons of one evaluation (a
        #: lesson that names none is its own), for grouping.
        named = np.array([bool(lessons[first].eval_number) for first in evals], dtype=bool)
        self.evaluation = np.where(named[eval_of], eval_of, len(evals) + np.arange(self.n)).astype(np.int64)

    def allowed(self, filters: tuple[tuple[str, str], ...]) -> np.ndarray | None:
        """A mask of the lessons every filter lets through (None: no filter); several values of one
        filter mean either."""
        if not filters:
            return None
        mask = np.ones(self.n, dtype=bool)
        by_name: dict[str, list[str]] = {}
        for name, value in filters:
            by_name.setdefault(name, []).append(fold(value))
        for name, wanted in by_name.items():
            facet = self.filters[name]
            ok = [i for i, v in enumerate(facet.folded) if any(filter_matches(name, w, v) for w in wanted)]
            mask &= facet.mask(ok, self.n)
        return mask

    def anywhere(self, places: tuple[tuple[str, str], ...]) -> np.ndarray:
        """A mask of the lessons located in any of these places."""
        mask = np.zeros(self.n, dtype=bool)
        for place in places:
            mask |= self.allowed((place,))
        return mask

    def counts(self, matched: np.ndarray) -> MappingProxyType:
        """The commonest values of each counted facet among the `matched` lessons (sorted)."""
        if self.compiled:  # one pass packs them into bits, then `counts_of`: no gathers
            from . import passes

            bits = bitsets.empty(self.n)
            passes.bits_of(matched, bits)
            return self.counts_of(bits)
        outside = False
        if 2 * len(matched) > self.n:  # most lessons match: count the others, fewer
            mask = np.ones(self.n, dtype=bool)
            mask[matched] = False
            matched, outside = np.flatnonzero(mask), True
        return MappingProxyType({name: facet.counts(matched, FACET_SIZE, outside)
                                 for name, facet in self.counted.items()})

    def counts_of(self, matched: np.ndarray) -> MappingProxyType:
        """`counts` of the lessons of a bitset (`bitsets.py`): a facet of few values counts each
        value's set against it, the others count the lessons' combinations (`Facet.counts_of`), in
        compiled passes (`passes.py`: only for an index the kernels built, so numba is loaded)."""
        from . import passes

        found: dict[str, tuple[tuple[str, int], ...]] = {}
        for name, facet in self.counted.items():
            if facet.value_bits is not None:
                if facet.value_bits.shape[1] != len(matched):  # the kernel checks no bounds
                    raise ValueError("the match set must cover every lesson of the facets")
                counts = np.zeros(len(facet.value_bits), dtype=np.int64)
                passes.shared_counts(facet.value_bits, matched, counts)  # 5x numpy's AND, popcount and sum
                found[name] = facet.top(counts, FACET_SIZE)
                continue
            found[name] = facet.counts_of(matched, FACET_SIZE)
        return MappingProxyType(found)

    def popular_themes(self) -> tuple[str, ...]:
        """The five commonest themes of the corpus."""
        return tuple(v for v, _ in self.counted["theme"].counts(np.arange(self.n), 5))


class Facet:
    """Values of one facet per lesson, as flat arrays for counting and filtering without loops.

    Each lesson's combination of values (usually one country, a few themes) gets an id, so
    counting a match set is one gather and one bincount (or, for a set of bits, one compiled walk
    over them), however many values a lesson has.
    """

    def __init__(self, combo: np.ndarray, combos: list[tuple[str, ...]]) -> None:
        """Lesson d holds the values `combos[combo[d]]`, combinations in order of first use (two
        may hold the same values)."""
        self.combo = combo
        flat = [v for c in combos for v in c]
        self.combo_value, first = _factorized(flat)  # values numbered in order of first use, as lesson by lesson
        self.names = [flat[i] for i in first]
        self.folded = [fold(v) for v in self.names]
        self.alphabetical = np.argsort(np.argsort(self.folded, kind="stable"), kind="stable")
        self.n_combos = len(combos)
        self.combo_total = np.bincount(self.combo, minlength=self.n_combos)
        combo_len = np.array([len(c) for c in combos], dtype=np.int64)
        self.combo_owner = np.repeat(np.arange(len(combos), dtype=np.int32), combo_len)
        # Each lesson's values, flat (its combination's, copied with numpy).
        lengths = combo_len[self.combo] if len(combo) else np.zeros(0, np.int64)
        self.start = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        self.owner = np.repeat(np.arange(len(combo), dtype=np.int32), lengths)
        #: Where each combination's values start in `combo_value` (and the last ends).
        self.combo_bounds = np.concatenate(([0], np.cumsum(combo_len))).astype(np.int64)
        combo_start = self.combo_bounds[:-1]
        at = np.repeat(combo_start[self.combo] - self.start[:-1], lengths) + np.arange(int(self.start[-1]))
        self.value = self.combo_value[at]
        #: How many lessons hold each value (a value a lesson lists twice, twice).
        self.value_total = np.bincount(self.value, minlength=len(self.names)).astype(np.int64)
        #: Each value's lessons as a bitset, for a facet of few values (counting a set is then a
        #: few thousand word operations a value); None for the others.
        self.value_bits = self._value_bits(len(combo)) if len(self.names) <= BITSET_VALUES else None

    def _value_bits(self, n: int) -> np.ndarray:
        order = np.argsort(self.value, kind="stable")
        bounds = np.searchsorted(self.value[order], np.arange(len(self.names) + 1))
        return np.array([bitsets.from_docs(np.unique(self.owner[order[lo:hi]]), n)
                         for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)],
                        dtype=np.uint64).reshape(len(self.names), bitsets.n_words(n))

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

    @classmethod
    def of_values(cls, values: list[tuple[str, ...]]) -> Facet:
        """The facet of lessons whose values are given one tuple per lesson (each value once)."""
        combo, firsts = _factorized(values)
        return cls(combo, [values[first] for first in firsts])

    def counts_of(self, matched: np.ndarray, size: int) -> tuple[tuple[str, int], ...]:
        """`counts` of the lessons of a bitset: each combination counted in one compiled pass over
        its bits (`passes.combination_counts`; only for an index the kernels built, so numba is
        loaded), without listing the lessons."""
        from . import passes

        per_combo = np.zeros(self.n_combos, dtype=np.int64)
        others = 2 * bitsets.count(matched) > len(self.combo)  # most lessons: count the others, fewer
        passes.combination_counts(matched, self.combo, per_combo, others)
        counts = np.zeros(len(self.names), dtype=np.int64)
        passes.spread(per_combo, self.combo_bounds, self.combo_value, counts)
        # The others' counts taken from every lesson's value by value: a spread of their few combinations.
        return self.top(self.value_total - counts if others else counts, size)

    def top(self, counts: np.ndarray, size: int) -> tuple[tuple[str, int], ...]:
        """The `size` commonest values by their `counts`, commonest first, ties A-Z."""
        order = np.lexsort((self.alphabetical, -counts))[:size]
        return tuple((self.names[i], int(counts[i])) for i in order.tolist() if counts[i])

    def mask(self, value_ids: list[int], n: int) -> np.ndarray:
        """The lessons holding any of these values."""
        mask = np.zeros(n, dtype=bool)
        mask[self.owner[np.isin(self.value, value_ids)]] = True
        return mask

