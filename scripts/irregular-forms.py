#!/usr/bin/env python3
"""Write knowledge/data/irregular-forms.txt, the English inflections that Snowball leaves apart
("women" for "woman", "written" for "writing", "paid" for "pay"), from lemminflect's dictionary.

The search needs only these few thousand words of lemminflect's 70,000-form tables; reading the
tables cost every process about half a second (a `lessons serve` start, a `lessons search` whose
question has a word no lesson holds). The table is derived data: run this again when lemminflect
or the stemmer changes; tests/knowledge/test_language.py checks it against lemminflect.

    .venv/bin/python scripts/irregular-forms.py [OUTPUT]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lemminflect import getAllInflections, getAllLemmas  # noqa: E402  (a test dependency, not the package's)
from lemminflect.core.Lemmatizer import Lemmatizer  # noqa: E402

from knowledge.text import WORD, stem  # noqa: E402

OUTPUT = ROOT / "knowledge" / "data" / "irregular-forms.txt"
HEADER = """\
# English inflections that the Snowball stemmer does not bring together, from lemminflect's
# dictionary (https://github.com/bjascob/LemmInflect): each line is a lower-case word, a tab, and
# its other inflections whose stem differs from its own. Written by scripts/irregular-forms.py;
# do not edit by hand.
"""


def irregular_forms(word: str) -> list[str]:
    """Every other inflection of `word`'s lemmas whose Snowball stem is not `word`'s."""
    lemmas = {lemma for found in getAllLemmas(word).values() for lemma in found}
    forms = set(lemmas)
    for lemma in lemmas:
        forms.update(form for found in getAllInflections(lemma).values() for form in found)
    own = stem(word)
    return sorted(form for form in forms if form != word and WORD.fullmatch(form) and stem(form) != own)


def dictionary_words() -> list[str]:
    """The words lemminflect can look up that a question can hold: lower case, letters and digits
    (a question is folded and split into such words; lesson stems have nothing else either)."""
    lemmatizer = Lemmatizer()
    words = set(lemmatizer._getLemmaDict()) | set(lemmatizer._getOverridesDict())
    return sorted(w for w in words if w == w.lower() and WORD.fullmatch(w))


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    lines = [f"{word}\t{' '.join(forms)}\n" for word in dictionary_words() if (forms := irregular_forms(word))]
    output.write_text(HEADER + "".join(lines), encoding="utf-8")
    print(f"{output}: {len(lines)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
