#!/usr/bin/env python3
"""Write the two tables of the English language the search reads, derived from kept libraries:

- knowledge/data/irregular-forms.txt: the inflections Snowball leaves apart ("women" for "woman",
  "written" for "writing", "paid" for "pay"), from lemminflect's dictionary. The search needs only
  these few thousand words of lemminflect's 70,000-form tables, which cost every process about
  half a second to read.
- knowledge/data/english-stems.txt: how common each Snowball stem is in English (stop words aside),
  from pyspellchecker's word counts, for the stems common enough to matter (see
  `knowledge.language.english_shares`). Grouping its 128,000 words by stem costs about 0.6 s.

Run it again when lemminflect, pyspellchecker, the stemmer or `knowledge.text.STOP_WORDS` changes
(the stem table leaves stop words out); tests/knowledge/test_language.py fails when a table is stale.

    .venv/bin/python scripts/language-tables.py
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from knowledge.language import ENGLISH_STEMS, IRREGULAR_FORMS, english_words  # noqa: E402
from knowledge.text import STOP_WORDS, WORD, stem  # noqa: E402

#: Stems rarer than this share of English words (Zipf 3: once per million) are left out: in a
#: lesson of a few hundred words their prior is nil.
RAREST = 1e-6
IRREGULAR_HEADER = """\
# English inflections that the Snowball stemmer does not bring together, from lemminflect's
# dictionary (https://github.com/bjascob/LemmInflect): each line is a lower-case word, a tab, and
# its other inflections whose stem differs from its own. Written by scripts/language-tables.py;
# do not edit by hand.
"""
STEMS_HEADER = """\
# How common each Snowball stem is in English, from pyspellchecker's English word counts
# (https://github.com/barrust/pyspellchecker): each line is a stem, a tab, and the summed counts
# of its words; the line "_total" gives the count of every English word but the stop words.
# Stems below one in a million words are left out. Written by scripts/language-tables.py; do not
# edit by hand.
"""


def irregular_forms(word: str) -> list[str]:
    """Every other inflection of `word`'s lemmas whose Snowball stem is not `word`'s."""
    from lemminflect import getAllInflections, getAllLemmas  # a test dependency, not the package's

    lemmas = {lemma for found in getAllLemmas(word).values() for lemma in found}
    forms = set(lemmas)
    for lemma in lemmas:
        forms.update(form for found in getAllInflections(lemma).values() for form in found)
    own = stem(word)
    return sorted(form for form in forms if form != word and WORD.fullmatch(form) and stem(form) != own)


def dictionary_words() -> list[str]:
    """The words lemminflect can look up that a question can hold: lower case, letters and digits
    (a question is folded and split into such words; lesson stems have nothing else either)."""
    from lemminflect.core.Lemmatizer import Lemmatizer

    lemmatizer = Lemmatizer()
    words = set(lemmatizer._getLemmaDict()) | set(lemmatizer._getOverridesDict())
    return sorted(w for w in words if w == w.lower() and WORD.fullmatch(w))


def stem_counts() -> tuple[int, Counter[str]]:
    """(the count of every English word but the stop words, those counts summed by stem)."""
    counts: Counter[str] = Counter()
    for word, count in english_words().items():
        if word not in STOP_WORDS:
            counts[stem(word)] += count
    return sum(counts.values()), counts


def main() -> int:
    lines = [f"{word}\t{' '.join(forms)}\n" for word in dictionary_words() if (forms := irregular_forms(word))]
    Path(str(IRREGULAR_FORMS)).write_text(IRREGULAR_HEADER + "".join(lines), encoding="utf-8")
    print(f"{IRREGULAR_FORMS}: {len(lines)} words")
    total, counts = stem_counts()
    kept = sorted((s, n) for s, n in counts.items() if n >= RAREST * total)
    Path(str(ENGLISH_STEMS)).write_text(STEMS_HEADER + f"_total\t{total}\n" + "".join(f"{s}\t{n}\n" for s, n in kept),
                                        encoding="utf-8")
    print(f"{ENGLISH_STEMS}: {len(kept)} stems")
    return 0


if __name__ == "__main__":
    import argparse

    # No options: --help prints this script's use and writes nothing; any argument is an error.
    argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    try:
        sys.exit(main())
    except ModuleNotFoundError as missing:  # lemminflect comes with the test tools only
        sys.exit(f"language-tables.py: {missing.name} is missing: .venv/bin/pip install -e '.[test]'")
