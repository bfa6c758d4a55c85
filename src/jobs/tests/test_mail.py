"""The one redacted error line that invitations and questionnaire links store (jobs.mail)."""

from __future__ import annotations

from jobs.mail import send_error_line


def test_the_error_line_keeps_no_address() -> None:
    error = ConnectionRefusedError("550 <anna.andersson@example.se>: mailbox unavailable")
    assert send_error_line(error) == "ConnectionRefusedError: 550 <[…]>: mailbox unavailable"


def test_the_stored_error_names_no_address_nor_personnummer_and_is_short() -> None:
    error = ConnectionError("550 5.1.1 <anna.andersson@example.se>: Recipient 19800101-1234 rejected\nmore")
    assert send_error_line(error) == "ConnectionError: 550 5.1.1 <[…]>: Recipient […] rejected"
    assert len(send_error_line(RuntimeError("x" * 500))) == 200
