"""Alerts: a critical exception that opens (ecif.exceptions_centre) is sent to the
configured channels, once per opening.

Channels, from the settings (ecif.settings; README, Operations):
- ECIF_ALERT_WEBHOOK: a URL that receives the exception as a JSON POST;
- ECIF_SMTP_HOST (and ECIF_SMTP_PORT, default 25), ECIF_SMTP_FROM, ECIF_SMTP_TO
  (comma-separated): an e-mail per exception, over plain SMTP.

A channel that fails (refused, timed out) is a WARNING line of the operations log,
never an error of whatever opened the exception.
"""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Callable, Sequence
from email.message import EmailMessage

from ecif import ops_log, settings
from ecif.exceptions_centre import ExceptionRecord

WEBHOOK_ENV = "ECIF_ALERT_WEBHOOK"
TIMEOUT_SECONDS = 10


def send(opened: Sequence[ExceptionRecord]) -> None:
    chosen = settings.current()
    webhook = chosen.alert_webhook
    for exception in opened:
        if webhook:
            _attempt("webhook", exception, lambda e=exception: _post(webhook, e))
        if chosen.smtp_host and chosen.smtp_to:
            _attempt("e-mail", exception, lambda e=exception: _mail(chosen, e))


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


def _mail(chosen: settings.Settings, exception: ExceptionRecord) -> None:
    message = EmailMessage()
    message["Subject"] = subject(exception)
    message["From"] = chosen.smtp_from
    message["To"] = ", ".join(chosen.smtp_to)
    message.set_content("\n".join(f"{name}: {value}" for name, value in
                                  exception.as_dict().items() if value is not None)
                        + f"\n\necif exceptions show {exception.exception_id}\n")
    assert chosen.smtp_host is not None
    with smtplib.SMTP(chosen.smtp_host, chosen.smtp_port, timeout=TIMEOUT_SECONDS) as smtp:
        smtp.send_message(message)
