"""Entity resolution with Splink: mentions, models, scoring, clusters, evidence."""

import logging


def _not_the_branch_warning(record: logging.LogRecord) -> bool:
    """Splink warns at every load of the organization model that its `branch` comparison
    has no null level. It needs none: the mentions give a head office the marker ''
    (matching.mentions), never null. Said on every `ecif run`, the warning only taught
    operators to skip warnings; any other comparison without a null level still warns."""
    return not record.getMessage().startswith(
        "Warning: No null level found for comparison branch.")


# the logger Splink's settings warn on; a filter there stops the record before any handler
logging.getLogger("splink.internals.settings").addFilter(_not_the_branch_warning)
