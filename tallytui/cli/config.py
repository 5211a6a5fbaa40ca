"""``tally config``: settings that belong to the person, not the database (``config.toml``)."""

from __future__ import annotations

import click


@click.group()
def config():
    """Settings in config.toml (TALLY_CONFIG names another file)."""


@config.command("smtp")
@click.option("--host", required=True, help="The SMTP server.")
@click.option("--port", type=int, default=None, help="Default: 587, 465 with ssl, 25 with none.")
@click.option(
    "--security",
    type=click.Choice(["starttls", "ssl", "none"]),
    default="starttls",
    show_default=True,
    help="none only for a server on this machine.",
)
@click.option("--user", "login", default="", help="Login name, if the server asks for one.")
@click.option("--from", "sender", required=True, metavar="ADDR", help="The sender address.")
@click.option(
    "--password-command",
    default="",
    metavar="CMD",
    help="A command that prints the password (else TALLY_SMTP_PASSWORD is read).",
)
@click.option(
    "--ca-file", default="", metavar="FILE", help="Also trust this CA (a private server)."
)
def config_smtp(host, port, security, login, sender, password_command, ca_file):
    """Where invoice e-mails go out. No password is stored: it comes from
    TALLY_SMTP_PASSWORD or from the output of --password-command when a message is sent."""
    from pathlib import Path

    from ..mail import settings as mail_settings

    chosen = mail_settings.check(
        mail_settings.SmtpSettings(
            host=host.strip(),
            port=mail_settings.DEFAULT_PORT[security] if port is None else port,
            security=security,
            sender=sender.strip(),
            user=login.strip(),
            password_command=password_command.strip(),
            ca_file=str(Path(ca_file).expanduser().resolve()) if ca_file else "",
        )
    )
    written = mail_settings.write(chosen)
    login_text = f" as {chosen.user}" if chosen.user else " without login"
    secret = (
        f"password from {mail_settings.PASSWORD_VARIABLE} or `{chosen.password_command}`"
        if chosen.password_command
        else f"password from {mail_settings.PASSWORD_VARIABLE}"
    )
    click.echo(
        f"wrote [smtp] to {written}: {chosen.host}:{chosen.port} ({chosen.security})"
        f"{login_text}, from {chosen.sender}" + (f"; {secret}" if chosen.user else "")
    )
