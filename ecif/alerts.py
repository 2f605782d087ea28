"""Alerts: a critical exception that opens (ecif.exceptions_centre) is sent to the
configured channels, once per opening.

Channels, from the environment (README, Operations):
- ECIF_ALERT_WEBHOOK: a URL that receives the exception as a JSON POST;
- ECIF_SMTP_HOST (and ECIF_SMTP_PORT, default 25), ECIF_SMTP_FROM, ECIF_SMTP_TO
  (comma-separated): an e-mail per exception, over plain SMTP.

A channel that fails (refused, timed out) is a WARNING line of the operations log,
never an error of whatever opened the exception.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage

from ecif import ops_log
from ecif.exceptions_centre import ExceptionRecord

WEBHOOK_ENV = "ECIF_ALERT_WEBHOOK"
SMTP_HOST_ENV, SMTP_PORT_ENV = "ECIF_SMTP_HOST", "ECIF_SMTP_PORT"
SMTP_FROM_ENV, SMTP_TO_ENV = "ECIF_SMTP_FROM", "ECIF_SMTP_TO"
TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class Channels:
    webhook: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    sender: str = "ecif@localhost"
    recipients: tuple[str, ...] = ()

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> Channels:
        return cls(webhook=env.get(WEBHOOK_ENV) or None,
                   smtp_host=env.get(SMTP_HOST_ENV) or None,
                   smtp_port=int(env.get(SMTP_PORT_ENV) or 25),
                   sender=env.get(SMTP_FROM_ENV) or cls.sender,
                   recipients=tuple(to.strip() for to in (env.get(SMTP_TO_ENV) or "").split(",")
                                    if to.strip()))


def send(opened: Sequence[ExceptionRecord], channels: Channels | None = None) -> None:
    channels = channels or Channels.from_environment()
    for exception in opened:
        if channels.webhook:
            _attempt("webhook", exception, lambda e=exception: _post(channels.webhook, e))
        if channels.smtp_host and channels.recipients:
            _attempt("e-mail", exception, lambda e=exception: _mail(channels, e))


def _attempt(channel: str, exception: ExceptionRecord, deliver: Callable[[], None]) -> None:
    try:
        deliver()
    except (OSError, ValueError, smtplib.SMTPException) as failure:
        ops_log.event(f"alert of exception {exception.exception_id} not sent by {channel}: "
                      f"{failure}", logging.WARNING)
    else:
        ops_log.event(f"alert of exception {exception.exception_id} sent by {channel}")


def subject(exception: ExceptionRecord) -> str:
    return (f"[ECIF {exception.severity}] {exception.kind} {exception.system} "
            f"{exception.key}")


def _post(url: str, exception: ExceptionRecord) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"{WEBHOOK_ENV} must be an http:// or https:// URL")
    body = json.dumps(exception.as_dict(), ensure_ascii=False, default=str).encode()
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310 (http/s only)
        pass        # a non-2xx answer raises HTTPError (an OSError)


def _mail(channels: Channels, exception: ExceptionRecord) -> None:
    message = EmailMessage()
    message["Subject"] = subject(exception)
    message["From"] = channels.sender
    message["To"] = ", ".join(channels.recipients)
    message.set_content("\n".join(f"{name}: {value}" for name, value in
                                  exception.as_dict().items() if value is not None)
                        + f"\n\necif exceptions show {exception.exception_id}\n")
    assert channels.smtp_host is not None
    with smtplib.SMTP(channels.smtp_host, channels.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        smtp.send_message(message)
