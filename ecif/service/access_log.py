"""The service's access log without personal data, masked by route.

uvicorn logs each request line as it came (/v1/customers/by-mobile/147-8616-8711). A
pattern over the line misses the forms a number can take (spaces, %20, +86, hyphens,
IDs that start with a letter), so the line's path is matched against the app's own
routes instead: the path parameters that carry personal data (PERSONAL, whatever
their form) are masked, and so is the query string of such a route. A path that
matches no route has every segment holding a digit hidden."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from urllib.parse import unquote

from starlette.routing import BaseRoute, Match

from ecif.identifiers import normalize_id_no, normalize_mobile
from ecif.masking import mask_id, mask_mobile

ACCESS_LOGGER = "uvicorn.access"
HIDDEN = "***"


def _masked_mobile(value: str) -> str:
    mobile = normalize_mobile(value)
    return mask_mobile(mobile) if len(mobile) == 11 and mobile.isdigit() else HIDDEN


def _masked_id(value: str) -> str:
    # the standard mask keeps ten characters: only long enough numbers keep any
    id_no = normalize_id_no(value)
    return mask_id(id_no) if len(id_no) >= 15 else HIDDEN


# path parameters that carry personal data, by name, in every route
PERSONAL: dict[str, Callable[[str], str]] = {"mobile": _masked_mobile, "id_no": _masked_id}


def masked_path(routes: Sequence[BaseRoute], method: str, path_with_query: str) -> str:
    path, sep, query = path_with_query.partition("?")
    scope = {"type": "http", "method": method, "path": unquote(path), "root_path": ""}
    matched = [(match, route, child) for route in routes
               for match, child in [route.matches(scope)] if match != Match.NONE]
    if not matched:
        return "/".join(HIDDEN if any(c.isdigit() for c in s) else s
                        for s in scope["path"].split("/")) + (sep and f"?{HIDDEN}")
    _, route, child = min(matched, key=lambda m: m[0] != Match.FULL)   # as Starlette picks
    params = child.get("path_params", {})
    if not PERSONAL.keys() & params.keys():
        return path_with_query
    shown = route.path_format
    for name, value in params.items():
        shown = shown.replace(f"{{{name}}}", PERSONAL[name](str(value)) if name in PERSONAL
                              else str(value))
    return shown + (sep and f"?{HIDDEN}")


class MaskPersonalData(logging.Filter):
    """Masks the request line of each access record (uvicorn passes it in `args`:
    client, method, path with query, HTTP version, status)."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        super().__init__()
        self.routes = routes

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and all(isinstance(a, str)
                                                               for a in args[1:3]):
            record.args = (args[0], args[1], masked_path(self.routes, args[1], args[2]),
                           *args[3:])
        return True


def mask_access_log(routes: Sequence[BaseRoute]) -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    for old in [f for f in logger.filters if isinstance(f, MaskPersonalData)]:
        logger.removeFilter(old)
    logger.addFilter(MaskPersonalData(routes))
