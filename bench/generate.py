#!/usr/bin/env python3
"""Write N synthetic lessons in the real iEvalDiscovery page format, for the speed benchmark.

Seeded, so the same N and seed always give the same files. Prose of 300-3,000 characters with a
Zipf-like word distribution over ILO vocabulary, plus a long tail of invented proper nouns so
the vocabulary grows with N; about 190 countries over the 5 ILO regions and 22 themes.

    .venv/bin/python bench/generate.py 10000                # → bench/corpora/10000/
    .venv/bin/python bench/generate.py 100000 --out /tmp/c  # elsewhere
"""
from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

from knowledge import PROSE_FIELDS, Lesson, render_page
from knowledge.text import STOP_WORDS
from knowledge.text import words as words_of

REGIONS = {
    "Africa": "Algeria Angola Benin Botswana Burkina_Faso Burundi Cabo_Verde Cameroon Central_African_Republic Chad "
              "Comoros Congo Côte_d’Ivoire Democratic_Republic_of_the_Congo Djibouti Egypt Equatorial_Guinea Eritrea "
              "Eswatini Ethiopia Gabon Gambia Ghana Guinea Guinea-Bissau Kenya Lesotho Liberia Libya Madagascar Malawi "
              "Mali Mauritania Mauritius Morocco Mozambique Namibia Niger Nigeria Rwanda Sao_Tome_and_Principe Senegal "
              "Seychelles Sierra_Leone Somalia South_Africa South_Sudan Sudan Togo Tunisia Uganda "
              "United_Republic_of_Tanzania Zambia Zimbabwe",
    "Americas": "Antigua_and_Barbuda Argentina Bahamas Barbados Belize Bolivia Brazil Canada Chile Colombia Costa_Rica "
                "Cuba Dominica Dominican_Republic Ecuador El_Salvador Grenada Guatemala Guyana Haiti Honduras Jamaica "
                "Mexico Nicaragua Panama Paraguay Peru Saint_Lucia Suriname Trinidad_and_Tobago United_States Uruguay "
                "Venezuela",
    "Arab States": "Bahrain Iraq Jordan Kuwait Lebanon Oman Qatar Saudi_Arabia Syrian_Arab_Republic "
                   "United_Arab_Emirates Yemen Occupied_Palestinian_Territory",
    "Asia and the Pacific": "Afghanistan Australia Bangladesh Bhutan Brunei Cambodia China Fiji India Indonesia Iran "
                            "Japan Kiribati Lao_People's_Democratic_Republic Malaysia Maldives Marshall_Islands "
                            "Mongolia Myanmar Nepal New_Zealand Pakistan Palau Papua_New_Guinea Philippines "
                            "Republic_of_Korea Samoa Singapore Solomon_Islands Sri_Lanka Thailand Timor-Leste Tonga "
                            "Tuvalu Vanuatu Viet_Nam",
    "Europe and Central Asia": "Albania Armenia Austria Azerbaijan Belarus Belgium Bosnia_and_Herzegovina Bulgaria "
                               "Croatia Cyprus Czechia Denmark Estonia Finland France Georgia Germany Greece Hungary "
                               "Iceland Ireland Israel Italy Kazakhstan Kyrgyzstan Latvia Lithuania Luxembourg Malta "
                               "Montenegro Netherlands North_Macedonia Norway Poland Portugal Republic_of_Moldova "
                               "Romania Russian_Federation Serbia Slovakia Slovenia Spain Sweden Switzerland "
                               "Tajikistan Türkiye Turkmenistan Ukraine United_Kingdom Uzbekistan",
}
COUNTRIES = [(c.replace("_", " "), region) for region, names in REGIONS.items() for c in names.split()]
THEMES = [
    ("Child labour", "Child labour, forced labour, human trafficking and slavery"),
    ("Forced labour", "Child labour, forced labour, human trafficking and slavery"),
    ("Social protection", "Social protection"), ("Occupational safety and health", "Conditions of work & equality"),
    ("Gender equality", "Conditions of work & equality"), ("Domestic work", "Conditions of work & equality"),
    ("Youth employment", "Employment"), ("Employment services", "Employment"), ("Skills development", "Employment"),
    ("Green jobs", "Employment"), ("Enterprise development", "Employment"), ("Cooperatives", "Employment"),
    ("Migration", "Conditions of work & equality"), ("Labour inspection", "Governance and Tripartism"),
    ("Social dialogue", "Governance and Tripartism"), ("International Labour Standards", "Labour standards"),
    ("Programme implementation", "Organizational issues"), ("Planning and programme design", "Organizational issues"),
    ("Monitoring and evaluation", "Organizational issues"), ("Programme sustainability", "Organizational issues"),
    ("Armed conflict/crisis", "Sector"), ("Road construction", "Sector"),
]
VOCABULARY = """
the of and to in a for with on by was were that as from at project programme workers labour employment
social protection training government partners national local women youth skills ministry implementation
support evaluation design capacity stakeholders development policy enterprises work decent rights
community communities service services technical activities results coordination budget staff
sustainability ownership monitoring data baseline beneficiaries households income insurance health
safety inspection inspectors factories factory garment construction agriculture farmers cooperatives
cooperative rural urban informal economy formal contracts wages wage minimum migration migrant
migrants returnees refugees displaced host trade unions employers organizations tripartite dialogue
committee committees councils board steering advisory donor donors funding phase extension delays
delay procurement recruitment consultants consultant mission field visits survey surveys indicators
targets outcome outcomes outputs output objectives theory change logframe risks risk assumptions
mitigation crisis conflict pandemic covid recovery response emergency livelihoods livelihood cash
transfers transfer registration benefits benefit pension maternity unemployment disability persons
disabilities children child school education vocational apprenticeship apprentices certification
curriculum teachers trainers institutions institution reform reforms laws law legislation regulations
standards conventions convention ratification compliance audit audits supply chains chain buyers brands
exports export sector sectors tourism fisheries fishing vessels seafarers mining brick kilns cotton
cocoa coffee tea textile apparel domestic care gender equality violence harassment discrimination
inclusion inclusive vulnerable groups indigenous peoples disabilities jobs green climate environmental
energy infrastructure roads maintenance public works intensive investment contractors small medium
micro business businesses entrepreneurs finance credit loans savings market markets value chains
productivity competitiveness innovation digital platform platforms online systems information
management knowledge learning lessons good practice practices challenges success successful lacked
lack limited weak strong effective efficiency relevance coherence impact sustainability scale replication
pilot pilots piloting provinces province district districts municipal municipalities regional
cross-border mobility remittances employment-intensive graduation approach approaches model models
joint agencies agency participating united nations collaboration partnership partnerships alliance
network networks advocacy awareness campaign campaigns media communication outreach counselling
placement matching job-seekers jobseekers career guidance entrepreneurship incubation startups
""".split()  # noqa: SIM905 (a word list reads best as text)


def zipf_weights(n: int, s: float = 1.05) -> list[float]:
    return [1.0 / (rank ** s) for rank in range(1, n + 1)]


class LessonWriter:
    """Draws lesson pages from a seeded random stream."""

    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.vocab = list(dict.fromkeys(VOCABULARY))
        self.weights = zipf_weights(len(self.vocab))
        self.syllables = ["ka", "ri", "to", "man", "sel", "vo", "da", "ne", "lu", "gor", "bi", "sha", "tun",
                          "pe", "ra", "zin", "mo", "ha", "kel", "dru", "an", "is", "ur", "ol", "et"]

    def proper_noun(self) -> str:
        return "".join(self.rng.choice(self.syllables) for _ in range(self.rng.randint(2, 4))).capitalize()

    def sentence(self, names: list[str]) -> str:
        n = self.rng.randint(8, 26)
        words = self.rng.choices(self.vocab, self.weights, k=n)
        if self.rng.random() < 0.35:
            words.insert(self.rng.randrange(len(words)), self.rng.choice(names))
        return " ".join(words).capitalize() + "."

    def prose(self, chars: int, names: list[str]) -> str:
        parts, size = [], 0
        while size < chars:
            parts.append(self.sentence(names))
            size += len(parts[-1]) + 1
        return " ".join(parts)

    def page(self, number: int) -> str:
        rng = self.rng
        lesson_id = str(1_000_000 + number)
        eval_number = str(10_000 + number // rng.choice((1, 2, 3)))
        names = [self.proper_noun() for _ in range(3)]
        locations = [rng.choice(COUNTRIES) for _ in range(1 if rng.random() < 0.9 else rng.randint(2, 3))]
        themes = list(dict.fromkeys(rng.choice(THEMES) for _ in range(rng.randint(1, 3))))
        topic = " ".join(rng.choices(self.vocab[20:], k=rng.randint(3, 7))).capitalize()
        kind = rng.choice(("Final", "Midterm", "Independent final"))
        title = f"{topic} in {locations[0][0]} ({names[0]}) - {kind} evaluation"
        total = int(min(3000, max(300, rng.lognormvariate(7.05, 0.45))))
        fields = dict.fromkeys(PROSE_FIELDS, "")
        share = {"description": 0.35, "challenges": 0.2, "success": 0.2, "context": 0.15, "comments": 0.1}
        for name, part in share.items():
            if rng.random() < 0.85 or name == "description":
                fields[name] = self.prose(max(40, int(total * part)), names)
        return render_page(Lesson(
            id=lesson_id, url=f"https://webapps.ilo.org/ievaldiscovery/lessons/{lesson_id}", title=title,
            eval_number=eval_number, eval_title=title,
            eval_url=f"https://webapps.ilo.org/ievaldiscovery/eval/{eval_number}",
            themes=tuple(themes), locations=tuple(locations), **fields))


def mapping_proxy(items: dict) -> MappingProxyType:
    """A read-only mapping of `items` (how bench/search.py's pickled lessons rebuild theirs)."""
    return MappingProxyType(items)


def flat_text(lesson: Lesson) -> str:
    """A lesson's themes, places and prose as one text: the body the reference engines (bm25s,
    tantivy, a rapidfuzz scan) index in bench/search.py and bench/quality.py."""
    return " ".join((" ".join(lesson.theme_names), lesson.country, lesson.region, *lesson.prose().values()))


def question_words(lessons: list[Lesson], rng: random.Random, fewest: int, most: int) -> tuple[Lesson, list[str]]:
    """A random lesson and `fewest` to `most` of the words of its title and description (stop words
    and numbers aside): a question it answers, for the benchmarks and the shortcut's test."""
    while True:
        lesson = rng.choice(lessons)
        pool = [w for w in words_of(lesson.title + " " + lesson.description) if w not in STOP_WORDS and w.isalpha()]
        if len(pool) >= 2:
            return lesson, rng.sample(pool, min(len(pool), rng.randint(fewest, most)))


def pages(n: int, seed: int = 7) -> Iterator[tuple[str, str]]:
    """(lesson id, page text) for n lessons."""
    writer = LessonWriter(seed)
    for number in range(n):
        yield str(1_000_000 + number), writer.page(number)


def write(n: int, out: Path, seed: int = 7) -> Path:
    """Write n lesson files into out/ (100 sub-folders of files), unless it already holds them."""
    marker = out / f".complete-{n}-{seed}"
    if marker.exists():
        return out
    for lesson_id, text in pages(n, seed):
        folder = out / lesson_id[-2:]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{lesson_id}.txt").write_text(text, encoding="utf-8")
    marker.touch()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="how many lessons")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, help="folder (default bench/corpora/N)")
    args = parser.parse_args()
    out = args.out or Path(__file__).parent / "corpora" / str(args.n)
    write(args.n, out, args.seed)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
