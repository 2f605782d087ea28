"""Id numbers for the parties identification creates, from the nightly run's own
counter (`matching.party_id_sequence`), taken a block at a time.

Taking one number per new party made every creation update the counter's single
row, and two concurrent updates of one row cannot both commit on DuckDB: creations
had to queue, each holding the queue through its commit. A block is taken in one
committed update, and its numbers are handed out from memory; the nightly run
continues after the block, so its new parties never meet these. The numbers of a
block the service did not use (it stopped) are skipped: party ids may have gaps.
"""

from __future__ import annotations

import threading

from ecif.warehouse import Connection

BLOCK = 100


class PartyNumbers:
    def __init__(self) -> None:
        self._next = self._end = 0
        self._taking = threading.Lock()

    def take(self, conn: Connection) -> int:
        with self._taking:
            if self._next == self._end:
                end = int(conn.scalar("update matching.party_id_sequence "
                                      "set next_number = next_number + ? "
                                      "returning next_number", [BLOCK]))
                self._next, self._end = end - BLOCK, end
            number = self._next
            self._next += 1
            return number
