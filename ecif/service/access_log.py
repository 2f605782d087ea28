"""The service's access log without personal data: caller-ID and ID-number lookups carry
the mobile or ID number in the path (/v1/customers/by-mobile/13812345678), which
uvicorn's access log would print as it is."""

from __future__ import annotations

import logging
import re

from ecif.masking import mask_id, mask_mobile

ACCESS_LOGGER = "uvicorn.access"
# a run of digits long enough to be a mobile, a landline or an ID number (with its X)
_NUMBER = re.compile(r"(?<![A-Za-z0-9])\d[\dXx]{6,}")


def masked(text: str) -> str:
    return _NUMBER.sub(lambda m: (mask_mobile(m.group()) if len(m.group()) == 11
                                  else mask_id(m.group())), text)


class MaskPersonalData(logging.Filter):
    """Masks the request line of each access record (uvicorn passes it in `args`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(masked(a) if isinstance(a, str) else a for a in record.args)
        return True


def mask_access_log() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, MaskPersonalData) for f in logger.filters):
        logger.addFilter(MaskPersonalData())
