"""DuckDB: the service delivers the change feed itself.

One process per DuckDB file, and `ecif serve` holds it: a dispatcher in another
process would have to take the warehouse lock for each round, which makes the service
copy its whole file and refuse writes meanwhile (ecif.service.hand_over). So the
service runs the dispatcher's rounds (ecif.events.dispatcher.deliver_round) on a thread
of its own, on its live database (`Warehouse.connect()` is routed to the service's
connections), and `ecif dispatch` leaves the events to it.

While a run owns the warehouse the rounds pause: the service then serves a copy, and
cursors moved in the copy would be lost with it (the events sent again after the
run). Stepping aside asks for the pause first; a round under way stops before its next
event (so within one receiver's timeout) and none starts until the service serves the
warehouse again, when the rounds go on from the cursors as the run left them.
"""

from __future__ import annotations

import logging
import threading

from ecif.events.dispatcher import Policy, Report, deliver_round
from ecif.warehouse import Warehouse

log = logging.getLogger(__name__)
# beyond a receiver's timeout: a round's last database writes after its last event
SETTLE_SECONDS = 30.0


class Deliveries:
    def __init__(self, warehouse: Warehouse, policy: Policy) -> None:
        self.warehouse = warehouse
        self.policy = policy
        self._state = threading.Condition()
        self._paused = False
        self._in_round = False
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def paused(self) -> bool:
        return self._paused

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name="change-feed deliveries")
        self._thread.start()

    def stop(self) -> None:
        with self._state:
            self._stopping = True
            self._state.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.timeout + SETTLE_SECONDS)

    def pause(self) -> None:
        """Returns once no round is under way; none starts until `resume`."""
        with self._state:
            self._paused = True
            if not self._state.wait_for(lambda: not self._in_round,
                                        self.policy.timeout + SETTLE_SECONDS):
                self._paused = False
                self._state.notify_all()
                raise TimeoutError("a delivery of the change feed did not stop within "
                                   f"{self.policy.timeout + SETTLE_SECONDS:.0f} s")

    def resume(self) -> None:
        with self._state:
            self._paused = False
            self._state.notify_all()

    def _interrupted(self) -> bool:
        return self._paused or self._stopping

    def _loop(self) -> None:
        while True:
            with self._state:
                self._state.wait_for(lambda: self._stopping or not self._paused)
                if self._stopping:
                    return
                self._in_round = True
            try:
                report = deliver_round(self.warehouse, self.policy, self._interrupted)
            except Exception:       # a conflict with a request's write, say: next round
                log.exception("a delivery round of the change feed failed")
                report = Report()
            finally:
                with self._state:
                    self._in_round = False
                    self._state.notify_all()
            if not report.delivered:
                with self._state:   # idle: the next look after `poll` (or stop at once)
                    self._state.wait_for(lambda: self._stopping, self.policy.poll)
