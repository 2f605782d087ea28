"""Marketing lists over the API, as `ecif export` writes them: the telesales-prospects
list with its filters (ecif/prospect_filters.py), columns by role, a seat's rows only
its own customers. Personal data is masked as for an export without --unmasked."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from ecif.exports import read_list
from ecif.prospect_filters import ProspectFilters
from ecif.service.accounts import User
from ecif.service.dependencies import Config, require
from ecif.service.request_body import RequestBody

router = APIRouter(prefix="/v1/lists", tags=["marketing lists"])
ListReader = Annotated[User, Depends(require("admin", "marketing", "analyst", "telesales"))]


class ProspectQuery(RequestBody):
    region: Annotated[str | None, Field(max_length=50)] = None
    value_class: Annotated[str | None, Field(pattern=r"^[A-C]$")] = None
    product_line: Annotated[str | None, Field(pattern=r"^[A-Z_]{1,30}$")] = None
    renewal_within_days: Annotated[int | None, Field(ge=0, le=3660)] = None
    quiet_days: Annotated[int | None, Field(ge=0, le=36600)] = None
    seat: Annotated[str | None, Field(max_length=50)] = None


@router.get("/telesales-prospects")
def telesales_prospects(query: Annotated[ProspectQuery, Query()], user: ListReader,
                        cfg: Config) -> list[dict[str, Any]]:
    """电销名单: never anyone who refused marketing or is on do-not-call; each row's
    contact_basis says why the call is allowed (CONSENT or EXISTING_CUSTOMER)."""
    frame = read_list(cfg.warehouse, "telesales-prospects",
                      prospects=ProspectFilters(**query.model_dump()), role=user.role, user=user)
    # through pandas' JSON: numpy numbers and missing values as JSON has them
    return json.loads(frame.to_json(orient="records", date_format="iso", default_handler=str))
