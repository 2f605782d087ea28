"""Id numbers for the parties identification creates, from the nightly run's own
counter (`matching.party_id_sequence`), taken a block at a time.

Taking one number per new party made every creation update the counter's single
row, and two concurrent updates of one row cannot both commit on DuckDB: creations
had to queue, each holding the queue through its commit. A block is taken in one
committed update, and its numbers are handed out from memory; the nightly run
continues after the block, so its new parties never meet these. The numbers of a
block the service did not use (it stopped) are skipped: party ids may have gaps.

While a run owns a DuckDB warehouse the service takes its blocks from a range reserved
for it beforehand (ecif.service.hand_over): `ceiling` is that range's end.
"""

from __future__ import annotations

import threading

from ecif.warehouse import Connection

BLOCK = 100


class RangeExhausted(RuntimeError):
    """No number may be handed out until the run has ended (the service answers 503)."""


class PartyNumbers:
    def __init__(self) -> None:
        self._next = self._end = 0
        self._taking = threading.Lock()
        self.ceiling: int | None = None

    def take(self, conn: Connection) -> int:
        with self._taking:
            if self._next == self._end:
                end = int(conn.scalar("update matching.party_id_sequence "
                                      "set next_number = next_number + ? "
                                      "returning next_number", [BLOCK]))
                if self.ceiling is not None and end > self.ceiling:
                    raise RangeExhausted("the party numbers reserved for the time of the "
                                         "nightly run are used up")
                self._next, self._end = end - BLOCK, end
            number = self._next
            self._next += 1
            return number
