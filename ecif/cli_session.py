"""Who is at the command line: `ecif login` checks the user's password against the
warehouse (the same lockout as the service) and keeps the token it gets in a file
only the OS user may read; later commands act as that user, with the user's role.

The token file (ECIF_TOKEN_FILE, default ~/.config/ecif/tokens.json: ecif.settings; mode
0600) holds one token per warehouse URL. The warehouse keeps only the token's hash
(ecif.service.accounts), so `ecif logout`, a password reset, a role change or
disabling the user ends the session wherever the file is.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

from ecif import settings
from ecif.service import accounts
from ecif.service.accounts import LoginPolicy, User
from ecif.warehouse import Warehouse


class NotLoggedIn(PermissionError):
    """No session, or one that ended: the message says to log in."""


def token_file() -> Path:
    return settings.current().token_file


def _read_tokens() -> dict[str, str]:
    path = token_file()
    if not path.exists():
        return {}
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise NotLoggedIn(f"{path} may be read by other OS users: remove it and log in again")
    return json.loads(path.read_text(encoding="utf-8"))


def _write_tokens(tokens: dict[str, str]) -> None:
    path = token_file()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # created 0600 (not chmod-ed after the fact: never readable by others, not even briefly)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as fh:
        json.dump(tokens, fh)


def read_password(from_stdin: bool, prompt: str = "password", confirm: bool = False) -> str:
    """--password-stdin (the first line), else ECIF_PASSWORD, else asked on the terminal."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = settings.current().password
    if password and not confirm:
        return password
    import typer

    return typer.prompt(prompt, hide_input=True, confirmation_prompt=confirm)


def login(warehouse: Warehouse, user_name: str, password: str) -> User:
    with warehouse.connect() as conn:
        accounts.ensure_tables(conn)
        user = accounts.authenticate(conn, user_name, password,
                                     LoginPolicy.from_settings(settings.current()))
        if user is None:
            raise NotLoggedIn("wrong user name or password, or the account is disabled or "
                              "locked for a while")
        token = accounts.open_cli_session(conn, user)
    _write_tokens({**_read_tokens(), warehouse.url: token})
    return user


def logout(warehouse: Warehouse) -> bool:
    """False when there was no session for the warehouse."""
    tokens = _read_tokens()
    token = tokens.pop(warehouse.url, None)
    if token is None:
        return False
    with warehouse.connect() as conn:
        accounts.ensure_tables(conn)
        accounts.close_cli_session(conn, token)
    _write_tokens(tokens)
    return True


def current_user(warehouse: Warehouse) -> User:
    token = _read_tokens().get(warehouse.url)
    user = None
    if token is not None:
        with warehouse.connect() as conn:
            accounts.ensure_tables(conn)
            user = accounts.cli_session_user(conn, token)
    if user is None:
        raise NotLoggedIn("not logged in (or the session ended): run `ecif login` first")
    return user


def no_users_yet(warehouse: Warehouse) -> bool:
    """Before the first user exists nobody can log in: `ecif steward user-add` then
    bootstraps an admin without a login."""
    with warehouse.connect() as conn:
        accounts.ensure_tables(conn)
        return not conn.scalar("select count(*) from stewardship.app_user")
