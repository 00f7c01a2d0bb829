"""Markdown table rows for the bench scripts: print a one-row table, and append the row to a
results file when one is named (so several runs build one table)."""
from __future__ import annotations


def emit(columns: list[str], row: str, out: str | None = None) -> None:
    """Print `row` under a header of `columns`; append it to the file `out` when given."""
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    print(row)
    if out:
        with open(out, "a", encoding="utf-8") as results:
            results.write(row + "\n")
