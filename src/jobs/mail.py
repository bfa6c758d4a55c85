"""Handing one e-mail to the mail server, and telling exactly how far it got.

:func:`email_transmit` speaks SMTP step by step (connect, MAIL, RCPT, DATA, the
message, the server's answer) so that every failure is one of:

* ``NOT_SENT``: the server cannot have the message (refused connection, timeout or a
  4xx answer before the message was handed over, a 4xx answer to the message):
  safe to try again;
* ``REFUSED``: a 5xx answer: the server will not take it, trying again cannot help;
* ``MAYBE``: the message was handed over and the answer never came (timeout, lost
  connection): the server may have delivered it, so it must not be sent again
  automatically;
* ``SENT``: the server answered 250 to the message.

Every socket step waits at most ``EMAIL_TIMEOUT`` seconds. Backends other than SMTP
(the console in the demo, locmem in tests) are used as Django's ``send()``: an
exception there counts as ``NOT_SENT``.
"""

from __future__ import annotations

import enum
import hashlib
import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address

ERROR_MAX_LENGTH = 200

# An SMTP refusal quotes the recipient; the line is shown to staff, so addresses
# (and anything shaped like a personnummer) are cut out.
_EMAIL_ADDRESS = re.compile(r"[^\s@<>()\[\]'\",;:]+@[^\s@<>()\[\]'\",;:]+")
_PERSONAL_NUMBER = re.compile(r"\b(?:\d{2})?\d{6}[-+]?\d{4}\b")
# RFC 5321 4.5.2: a line of the message that starts with a dot gets another one.
_LEADING_DOT = re.compile(rb"(?m)^\.")


class Outcome(enum.Enum):
    SENT = "sent"
    NOT_SENT = "not_sent"
    REFUSED = "refused"
    MAYBE = "maybe"


@dataclass(frozen=True)
class Transmission:
    outcome: Outcome
    error: str = ""  # redacted, one line


class ClaimLost(RuntimeError):
    """The worker no longer holds the message (its claim ran out): it must not hand it over."""


def redacted(text: str, *, max_length: int) -> str:
    """``text`` without e-mail addresses or personal identity numbers, at most ``max_length`` long."""
    text = _PERSONAL_NUMBER.sub("[…]", _EMAIL_ADDRESS.sub("[…]", text))
    return text[: max_length - 1] + "…" if len(text) > max_length else text


def send_error_line(error: BaseException) -> str:
    """One short line naming the error, without e-mail addresses or personal identity numbers."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return redacted(
        f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__, max_length=ERROR_MAX_LENGTH
    )


def _reply_line(step: str, code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    first = text.strip().splitlines()[0] if text.strip() else ""
    return redacted(f"{step}: {code} {first}".strip(), max_length=ERROR_MAX_LENGTH)


def message_id_for(key: str) -> str:
    """A Message-ID that is the same for every attempt at one message, so mail programs show one copy."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "bollplank.invalid"
    return f"<{digest}@{domain}>"


def _by_code(step: str, code: int, reply: bytes | str) -> Transmission:
    line = _reply_line(step, code, reply)
    return Transmission(Outcome.REFUSED if 500 <= code < 600 else Outcome.NOT_SENT, line)


def email_transmit(message: EmailMessage, *, before_data: Callable[[], None]) -> Transmission:
    """Hand ``message`` (one recipient) to the mail server; ``before_data`` runs just before the
    message itself is sent and may raise :class:`ClaimLost` (or a database error) to stop there."""
    backend = get_connection()
    if not isinstance(backend, SMTPBackend):
        try:
            before_data()
        except Exception as error:  # nothing was handed over: report, do not crash
            return Transmission(Outcome.NOT_SENT, send_error_line(error))
        try:
            accepted = backend.send_messages([message])
        except Exception as error:  # any backend failure before acceptance is "not sent"
            return Transmission(Outcome.NOT_SENT, send_error_line(error))
        if accepted != 1:
            return Transmission(Outcome.NOT_SENT, "The mail backend did not accept the message.")
        return Transmission(Outcome.SENT)
    return _smtp_transmit(backend, message, before_data=before_data)


def _smtp_transmit(
    backend: SMTPBackend, message: EmailMessage, *, before_data: Callable[[], None]
) -> Transmission:
    encoding = message.encoding or settings.DEFAULT_CHARSET
    try:
        backend.open()  # connect, STARTTLS or SSL, login: each step waits at most EMAIL_TIMEOUT
    except (OSError, smtplib.SMTPException) as error:
        return Transmission(Outcome.NOT_SENT, send_error_line(error))
    connection = backend.connection
    if connection is None:
        return Transmission(Outcome.NOT_SENT, "No connection to the mail server.")
    try:
        try:
            sender = sanitize_address(message.from_email, encoding)
            [recipient] = [sanitize_address(address, encoding) for address in message.recipients()]
            payload = message.message().as_bytes(linesep="\r\n")
            connection.ehlo_or_helo_if_needed()
            code, reply = connection.mail(sender)
            if code != 250:
                return _by_code("MAIL", code, reply)
            code, reply = connection.rcpt(recipient)
            if code not in (250, 251):
                return _by_code("RCPT", code, reply)
            code, reply = connection.docmd("DATA")
            if code != 354:
                return _by_code("DATA", code, reply)
        except (OSError, smtplib.SMTPException) as error:
            return Transmission(Outcome.NOT_SENT, send_error_line(error))
        try:
            before_data()
        except Exception as error:  # claim lost or database gone: hand nothing over
            return Transmission(Outcome.NOT_SENT, send_error_line(error))
        data = _LEADING_DOT.sub(b"..", payload)
        if not data.endswith(b"\r\n"):
            data += b"\r\n"
        try:
            connection.send(data + b".\r\n")
        except (OSError, smtplib.SMTPException) as error:
            # Not all of it reached the socket, so the end-of-data mark did not either.
            return Transmission(Outcome.NOT_SENT, send_error_line(error))
        try:
            code, reply = connection.getreply()
        except (OSError, smtplib.SMTPException) as error:
            return Transmission(Outcome.MAYBE, send_error_line(error))
        if code == 250:
            return Transmission(Outcome.SENT)
        return _by_code("message", code, reply)
    finally:
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()
        backend.connection = None
