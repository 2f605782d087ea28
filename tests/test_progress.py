"""The progress bars of long commands: one bar per piece of work, whose clock stops
when the work is done (not when the whole command ends)."""

from io import StringIO

from rich.console import Console

from ecif.progress import ProgressDisplay


def bars(display: ProgressDisplay) -> list:
    return display._progress.tasks


def test_each_batch_moves_one_landing_bar_which_stops_when_all_are_landed():
    with ProgressDisplay(Console(file=StringIO())) as display:
        display.update("landing: core_customer_20261101", 0, 2)
        display.update("landing: core_policy_20261101", 1, 2)
        (bar,) = bars(display)
        assert bar.description == "landing: core_policy_20261101" and not bar.finished
        display.update("landing", 2, 2)
        display.update("staging", 5, None)
        landing, staging = bars(display)
    assert landing.finished and landing.description == "landing"
    assert landing.finished_time is not None and not staging.finished


def test_a_step_of_unknown_length_stops_its_clock_once_its_count_is_known():
    with ProgressDisplay(Console(file=StringIO())) as display:
        display.update("staging", 3, None)
        display.update("staging", 3, 3)
        (staging,) = bars(display)
    assert staging.finished and staging.completed == 3
