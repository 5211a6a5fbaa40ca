"""The ``[smtp]`` and ``[mail]`` tables of ``config.toml``: where invoice e-mails go out,
and the organisation's own templates. ``tally config smtp`` writes ``[smtp]``.

The password is never in the config, the database or a log: it comes from
``TALLY_SMTP_PASSWORD`` or from the standard output of the ``password_command`` the
config names (``pass show mail/smtp``, a keyring tool), read when a message goes out."""

from __future__ import annotations

import ipaddress
import json
import os
import shlex
import subprocess
from dataclasses import dataclass, fields
from pathlib import Path

from ..domain.errors import InvalidInput, TallyError
from ..locations import config_path, read_config
from .addresses import check_address
from .templates import KINDS

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORT = {"starttls": 587, "ssl": 465, "none": 25}
PASSWORD_VARIABLE = "TALLY_SMTP_PASSWORD"
SET_IT = "tally config smtp --host H --from ADDR"


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    sender: str  # the From address; ``from`` in the file
    user: str = ""
    password_command: str = ""
    ca_file: str = ""  # a CA bundle to trust besides the system's (a private server)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check(settings: SmtpSettings) -> SmtpSettings:
    """Every value of ``settings`` as ``tally config smtp`` accepts it, or an error."""
    if not settings.host.strip() or any(c.isspace() for c in settings.host.strip()):
        raise InvalidInput(f"--host: {settings.host!r} is not a host name")
    if settings.security not in SECURITY:
        raise InvalidInput(f"--security: {settings.security} is not one of {', '.join(SECURITY)}")
    if settings.security == "none" and not is_loopback(settings.host):
        raise InvalidInput(
            f"--security none sends the password and invoices unencrypted: only for a server "
            f"on this machine (localhost), not {settings.host}; use starttls or ssl"
        )
    if not 0 < settings.port < 65536:
        raise InvalidInput(f"--port: {settings.port} is not a port (1 to 65535)")
    if settings.ca_file and not Path(settings.ca_file).is_file():
        raise InvalidInput(f"--ca-file: no file at {settings.ca_file}")
    check_address(settings.sender, "--from")
    return settings


def _key(name: str) -> str:
    return "from" if name == "sender" else name


def smtp_table(path: Path | None = None) -> dict:
    path = path or config_path()
    table = read_config(path).get("smtp", {})
    if not isinstance(table, dict):
        raise TallyError(f"{path}: [smtp] is not a table; {SET_IT} writes it")
    return table


def load(path: Path | None = None, *, sending: bool = True) -> SmtpSettings:
    """The SMTP settings; a missing one is an error naming it and the command that sets
    it. Without ``sending`` (a dry run) only the From address is needed."""
    path = path or config_path()
    table = smtp_table(path)
    needed = ("host", "from") if sending else ("from",)
    for name in needed:
        if not table.get(name):
            raise TallyError(
                f"missing SMTP setting {name} in {path}: set it with `{SET_IT}`"
                " [--port N] [--security starttls|ssl|none] [--user U] [--password-command CMD]"
            )
    security = str(table.get("security", "starttls"))
    values = {
        field.name: table.get(_key(field.name), field.default)
        for field in fields(SmtpSettings)
        if _key(field.name) in table
    }
    values.setdefault("host", "")
    values["security"] = security
    values["port"] = int(table.get("port", DEFAULT_PORT.get(security, 587)))
    settings = SmtpSettings(**values)
    if not sending:
        check_address(settings.sender, f"{path} [smtp] from")
        return settings
    try:
        return check(settings)
    except InvalidInput as exc:
        raise TallyError(f"{path} [smtp]: {exc}; `{SET_IT}` writes it anew") from exc


def password(settings: SmtpSettings) -> str | None:
    """The password for ``settings.user`` (None without a user): from the environment,
    else the password command's first line of output. Its text never reaches a message."""
    if not settings.user:
        return None
    given = os.environ.get(PASSWORD_VARIABLE)
    if given:
        return given
    if not settings.password_command:
        raise TallyError(
            f"no SMTP password for {settings.user}: set {PASSWORD_VARIABLE}, or name a command "
            f"that prints it with `{SET_IT} --user {settings.user} --password-command CMD`"
        )
    try:
        done = subprocess.run(
            shlex.split(settings.password_command),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
        raise TallyError(f"the SMTP password command could not run: {exc}") from exc
    secret = done.stdout.splitlines()[0] if done.stdout.strip() else ""
    if done.returncode != 0 or not secret:
        why = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[0]
        raise TallyError(f"the SMTP password command printed no password ({why})")
    return secret


def _toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL is escaped too)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def write(settings: SmtpSettings, path: Path | None = None) -> Path:
    """Replace the ``[smtp]`` table of the config file, keeping every other table as it
    was; the file is read back before it replaces the old one."""
    import tomllib

    path = path or config_path()
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    read_config(path)  # a broken file is reported, not overwritten
    kept, skipping = [], False
    for line in old.splitlines():
        if line.strip().startswith("["):
            table = line.strip().lstrip("[").split("]")[0].strip()
            skipping = table == "smtp" or table.startswith("smtp.")
        if not skipping:
            kept.append(line)
    block = ["[smtp]"] + [
        f"{_key(field.name)} = "
        + (
            str(getattr(settings, field.name))
            if field.name == "port"
            else _toml_string(getattr(settings, field.name))
        )
        for field in fields(SmtpSettings)
        if getattr(settings, field.name) or field.name == "port"
    ]
    text = "\n".join(kept).rstrip("\n")
    text = (text + "\n\n" if text else "") + "\n".join(block) + "\n"
    written = tomllib.loads(text).get("smtp", {})
    if written.get("host") != settings.host or written.get("from") != settings.sender:
        raise TallyError(f"{path}: [smtp] could not be replaced (a dotted smtp key?); edit it")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def template_overrides(path: Path | None = None) -> dict:
    """``[mail.templates.LANG]`` tables: language → subject/body and kind → subject/body."""
    path = path or config_path()
    mail = read_config(path).get("mail", {})
    overrides = mail.get("templates", {}) if isinstance(mail, dict) else None
    wrong = f"{path}: [mail.templates.LANG] holds subject and body strings"
    if not isinstance(overrides, dict):
        raise TallyError(wrong)
    for table in overrides.values():
        if not isinstance(table, dict):
            raise TallyError(wrong)
        for key, value in table.items():
            inner = value if key in KINDS else {key: value}
            if not isinstance(inner, dict) or not all(
                k in ("subject", "body") and isinstance(v, str) for k, v in inner.items()
            ):
                kinds = ", ".join(KINDS[1:])
                raise TallyError(f"{wrong} (and [mail.templates.LANG.KIND] for {kinds})")
    return overrides


def language(path: Path | None = None) -> str:
    """The language of invoice e-mails: ``[mail] language``, else English."""
    mail = read_config(path or config_path()).get("mail", {})
    return str(mail.get("language", "en")) if isinstance(mail, dict) else "en"
