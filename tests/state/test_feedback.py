"""Votes: one per person, question and lesson, changeable, anonymous in the file, and exportable as a
judged query file that bench/quality.py reads."""
from __future__ import annotations

import pytest
import yaml

from bot.state import Feedback, StateStore, Tally

Q = "social insurance for herders"


def test_votes_are_tallied_per_lesson_for_the_question(store):
    feedback = Feedback(store)
    feedback.vote(Q, "252474", "U1", +1)
    feedback.vote(Q, "252474", "U2", +1)
    feedback.vote(Q, "900102", "U1", -1)
    feedback.vote("another question", "252474", "U3", -1)
    assert feedback.tally(Q) == {"252474": Tally(2, 0, 2), "900102": Tally(0, 1, 1)}


def test_a_voter_has_one_vote_and_can_change_it(store):
    feedback = Feedback(store)
    feedback.vote(Q, "252474", "U1", +1)
    feedback.vote(Q, "252474", "U1", +1)
    assert feedback.tally(Q)["252474"] == Tally(1, 0, 1)
    feedback.vote(Q, "252474", "U1", -1)
    assert feedback.tally(Q)["252474"] == Tally(0, 1, 1)


def test_the_same_question_in_other_case_or_spacing_is_the_same_question(store):
    feedback = Feedback(store)
    feedback.vote(Q, "252474", "U1", +1)
    feedback.vote("  Social Insurance  for HERDERS ", "252474", "U1", -1)
    assert feedback.tally(Q) == {"252474": Tally(0, 1, 1)}


def test_the_file_never_holds_the_voter_id(state_path, clock):
    store = StateStore(state_path, clock=clock)
    Feedback(store).vote(Q, "252474", "U0SECRETVOTER", +1)
    store.close()
    stored = b"".join(p.read_bytes() for p in state_path.parent.iterdir())
    assert b"U0SECRETVOTER" not in stored


def test_the_voter_hash_is_salted_per_store(tmp_path, clock):
    hashes = []
    for name in ("a", "b"):
        store = StateStore(tmp_path / name / "state.sqlite3", clock=clock)
        Feedback(store).vote(Q, "252474", "U1", +1)
        with store.read() as connection:
            hashes.append(connection.execute("SELECT voter FROM votes").fetchone()[0])
        store.close()
    assert hashes[0] != hashes[1]


@pytest.mark.parametrize("vote", [0, 2, -2])
def test_a_vote_is_plus_or_minus_one(store, vote):
    with pytest.raises(ValueError):
        Feedback(store).vote(Q, "1", "U1", vote)


def test_votes_per_lesson_for_the_operator(store):
    feedback = Feedback(store)
    feedback.vote(Q, "252474", "U1", +1)
    feedback.vote("herders", "252474", "U1", -1)
    assert feedback.per_lesson() == {"252474": Tally(1, 1, 1)}


def load_like_the_benchmark(text: str) -> list[dict]:
    """How bench/quality.py reads a judged file."""
    return [{"query": str(c["query"]), "relevant": {str(k): int(v) for k, v in (c.get("relevant") or {}).items()}}
            for c in yaml.safe_load(text)]


def test_export_grades_net_helpful_lessons_and_leaves_out_the_rest(store, tmp_path):
    feedback = Feedback(store)
    for voter in ("U1", "U2", "U3"):
        feedback.vote(Q, "252474", voter, +1)  # net +3: grade 2
    feedback.vote(Q, "900101", "U1", +1)
    feedback.vote(Q, "900101", "U2", +1)
    feedback.vote(Q, "900101", "U3", -1)  # net +1: grade 1
    feedback.vote(Q, "900102", "U1", +1)
    feedback.vote(Q, "900102", "U2", -1)  # even: left out
    feedback.vote(Q, "900103", "U1", -1)  # net negative: left out
    feedback.vote("cocoa in ghana", "900103", "U1", -1)  # only negative votes: the question is left out
    target = tmp_path / "judged.yaml"
    assert feedback.export_judged(target) == 1
    cases = load_like_the_benchmark(target.read_text(encoding="utf-8"))
    assert cases == [{"query": Q, "relevant": {"252474": 2, "900101": 1}}]
    item = yaml.safe_load(target.read_text(encoding="utf-8"))[0]
    assert item["relevant"] == {252474: 2, 900101: 1}  # integer ids, like bench/queries.yaml
    assert item["id"].startswith("feedback-") and "900102 +1/-1" in item["note"]


def test_a_question_keeps_its_export_id_as_votes_come_in(store):
    feedback = Feedback(store)
    feedback.vote(Q, "252474", "U1", +1)
    feedback.vote("cocoa", "900103", "U1", +1)
    before = {item["query"]: item["id"] for item in feedback.judged()}
    feedback.vote(Q, "900101", "U2", +1)
    after = {item["query"]: item["id"] for item in feedback.judged()}
    assert before == after and len(set(after.values())) == 2


def test_an_export_without_votes_is_an_empty_list(store, tmp_path):
    target = tmp_path / "judged.yaml"
    assert Feedback(store).export_judged(target) == 0
    assert yaml.safe_load(target.read_text(encoding="utf-8")) == []
