"""Place names written naturally in a question ("lessons from Mongolia", "in the Arab States")."""
from __future__ import annotations

from typing import Iterable

from .text import words

#: Common names and older spellings → the name used in the lesson pages (when the corpus has it).
COUNTRY_ALIASES = {
    "turkey": "Türkiye", "turkiye": "Türkiye", "ivory coast": "Côte d’Ivoire", "vietnam": "Viet Nam",
    "burma": "Myanmar", "laos": "Lao People's Democratic Republic", "lao pdr": "Lao People's Democratic Republic",
    "syria": "Syrian Arab Republic", "tanzania": "United Republic of Tanzania", "iran": "Iran (Islamic Republic of)",
    "bolivia": "Bolivia (Plurinational State of)", "moldova": "Republic of Moldova", "drc": "Democratic Republic of the Congo",
    "dr congo": "Democratic Republic of the Congo", "congo kinshasa": "Democratic Republic of the Congo",
    "south korea": "Republic of Korea", "korea": "Republic of Korea", "russia": "Russian Federation",
    "venezuela": "Venezuela (Bolivarian Republic of)", "sao tome": "Sao Tome and Principe",
    "east timor": "Timor-Leste", "cape verde": "Cabo Verde", "swaziland": "Eswatini",
    "macedonia": "North Macedonia", "palestine": "Occupied Palestinian Territory", "gaza": "Occupied Palestinian Territory",
    "west bank": "Occupied Palestinian Territory", "uk": "United Kingdom", "britain": "United Kingdom",
    "usa": "United States", "united states of america": "United States",
}
#: Everyday names of the ILO's five regions → the region names used in the lesson pages.
REGION_ALIASES = {
    "africa": "Africa", "sub saharan africa": "Africa", "arab states": "Arab States", "arab region": "Arab States",
    "middle east": "Arab States", "arab world": "Arab States", "americas": "Americas", "latin america": "Americas",
    "latin america and the caribbean": "Americas", "caribbean": "Americas", "south america": "Americas",
    "central america": "Americas", "asia and the pacific": "Asia and the Pacific", "asia pacific": "Asia and the Pacific",
    "asia": "Asia and the Pacific", "pacific": "Asia and the Pacific", "south asia": "Asia and the Pacific",
    "southeast asia": "Asia and the Pacific", "south east asia": "Asia and the Pacific",
    "europe and central asia": "Europe and Central Asia", "europe": "Europe and Central Asia",
    "central asia": "Europe and Central Asia", "eastern europe": "Europe and Central Asia", "balkans": "Europe and Central Asia",
}
#: Words that may follow a place without changing it ("the Americas region").
PLACE_NOUNS = frozenset({"region", "regions", "country", "countries", "regional"})


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

    def find(self, folded: list[str]) -> list[tuple[int, int, str, str]]:
        """(start, end, filter name, value) for each place named in the words, longest first."""
        found, i = [], 0
        while i < len(folded):
            for n in range(min(self.longest, len(folded) - i), 0, -1):
                hit = self.names.get(tuple(folded[i:i + n]))
                if hit:
                    found.append((i, i + n, *hit))
                    i += n
                    break
            else:
                i += 1
        return found
