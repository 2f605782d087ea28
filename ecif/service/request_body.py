"""The base of every request body of the API: a field it does not know is a 422
naming it, never silently dropped (a misspelt identifier or filter would otherwise
change what the request means)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class RequestBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
