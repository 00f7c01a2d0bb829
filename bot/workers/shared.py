"""What the master process and its workers share: a page of memory mapped before the first fork.

The master writes the generation it serves and the outcome of the latest reload; each worker
writes its own slot (its pid and the generation it was forked with). Workers read it all for
/healthz and to wait for the reload that `POST /admin/reload` asked for. No locks cross processes:
the master is the only writer of the header, which readers copy under a sequence number (a
seqlock), and each slot has one writer.
"""
from __future__ import annotations

import json
import mmap
import os
import signal
import struct
import time
from collections.abc import Callable

from knowledge import KnowledgeBase

from ..live import KnowledgeHolder, ReloadResult

_HEADER = struct.Struct("<QQdI")  # sequence, generation, reload asked-after, outcome length
_OUTCOME_BYTES = 4096
_SLOT = struct.Struct("<qq")  # pid, generation
SLOTS = 256
_SLOTS_AT = _HEADER.size + _OUTCOME_BYTES


class SharedStatus:
    """The master's generation and last reload outcome, and each worker's generation."""

    def __init__(self) -> None:
        self._memory = mmap.mmap(-1, _SLOTS_AT + SLOTS * _SLOT.size)  # anonymous and shared: survives fork
        self._sequence = 0

    # -- written by the master ----------------------------------------------------------------

    def publish(self, generation: int, outcome: ReloadResult | None, asked_after: float) -> None:
        """Record what the master serves and how the reload that began at `asked_after` ended."""
        blob = json.dumps(outcome.to_dict() if outcome else None).encode("utf-8")[:_OUTCOME_BYTES]
        self._sequence += 1  # odd: a write is in progress
        _HEADER.pack_into(self._memory, 0, self._sequence, generation, asked_after, len(blob))
        self._memory[_HEADER.size:_HEADER.size + len(blob)] = blob
        self._sequence += 1
        _HEADER.pack_into(self._memory, 0, self._sequence, generation, asked_after, len(blob))

    def clear_slot(self, slot: int, pid: int) -> None:
        """Forget a worker that exited (the master reaps it)."""
        if _SLOT.unpack_from(self._memory, self._slot_at(slot))[0] == pid:
            _SLOT.pack_into(self._memory, self._slot_at(slot), 0, 0)

    # -- written by a worker ------------------------------------------------------------------

    def enter(self, slot: int, pid: int, generation: int) -> None:
        """A worker says which generation it serves."""
        _SLOT.pack_into(self._memory, self._slot_at(slot), pid, generation)

    # -- read by anyone -----------------------------------------------------------------------

    def read(self) -> tuple[int, float, dict | None]:
        """(the master's generation, when the last finished reload was asked, its outcome)."""
        while True:
            sequence, generation, asked_after, size = _HEADER.unpack_from(self._memory, 0)
            blob = self._memory[_HEADER.size:_HEADER.size + size]
            if sequence % 2 == 0 and _HEADER.unpack_from(self._memory, 0)[0] == sequence:
                return generation, asked_after, json.loads(blob or b"null")

    def workers(self) -> list[dict[str, int]]:
        """Every live worker's pid and generation, by pid."""
        slots = (_SLOT.unpack_from(self._memory, self._slot_at(i)) for i in range(SLOTS))
        return sorted(({"pid": pid, "generation": gen} for pid, gen in slots if pid), key=lambda w: w["pid"])

    @staticmethod
    def _slot_at(slot: int) -> int:
        return _SLOTS_AT + (slot % SLOTS) * _SLOT.size


class SharedHolder(KnowledgeHolder):
    """The holder of a server with workers. The master swaps its knowledge base and forks; each
    worker keeps the one it was forked with. The last reload's outcome (a failure forks nothing)
    and the workers' generations come from the shared status."""

    def __init__(self, kb: KnowledgeBase, status: SharedStatus) -> None:
        super().__init__(kb)
        self.status = status

    def drop(self) -> None:
        """Forget the knowledge base (the master, before it takes in a new one: `kb` is None until
        then). The workers keep the copies they were forked with."""
        with self._lock:
            self._serving = (None, self._serving[1])  # type: ignore[assignment]

    @property
    def last_reload(self) -> ReloadResult | None:
        outcome = self.status.read()[2]
        return ReloadResult(**outcome) if outcome else None

    def health(self) -> dict[str, object]:
        generation, _, outcome = self.status.read()
        return {"generation": self.generation, "serving_generation": generation,
                "workers": self.status.workers(), "reload": outcome}


class RemoteReloader:
    """`POST /admin/reload` inside a worker: ask the master (SIGHUP) and wait for the outcome of a
    reload that began after the ask, however many asks it merged."""

    def __init__(self, status: SharedStatus, master_pid: Callable[[], int] = os.getppid,
                 clock: Callable[[], float] = time.monotonic, every: float = 0.02) -> None:
        self.status, self.master_pid, self.clock, self.every = status, master_pid, clock, every

    def request(self) -> None:
        """Ask without waiting."""
        os.kill(self.master_pid(), signal.SIGHUP)

    def reload(self, timeout: float = 600.0) -> ReloadResult:
        """Ask and wait (at most `timeout` seconds) for the outcome."""
        asked = self.clock()
        self.request()
        deadline = asked + timeout
        while self.clock() < deadline:
            _, asked_after, outcome = self.status.read()
            if asked_after >= asked and outcome:
                return ReloadResult(**outcome)
            time.sleep(self.every)
        return ReloadResult(False, 0, error=f"no reload outcome within {timeout:g} s; see the server's log")
