"""Swedish personal identity numbers (personnummer) and coordination numbers.

Pure functions, no database and no settings. Every number that enters the system
goes through :func:`national_id_normalise`, which validates it and returns the
single storage form ``YYYYMMDDNNNC`` (twelve ASCII digits, no separator). The day
is kept as written, so a coordination number keeps its ``day + 60``.

Rules implemented (folkbokföringslagen 18 § and 18 a §, Skatteverket's rättsliga
vägledning on personnummer and samordningsnummer):

* Accepted spellings: ``YYYYMMDDNNNC``, ``YYYYMMDD-NNNC``, ``YYMMDDNNNC``,
  ``YYMMDD-NNNC`` and ``YYMMDD+NNNC``. Whitespace around the number is ignored;
  whitespace inside it, other dashes and non-ASCII digits are rejected. ``+`` is
  only allowed in the ten-digit form, where it carries the century information.
* Century of a ten-digit number written with ``-`` or no separator: the most
  recent century in which the date of birth is not in the future.
* Century of a ten-digit number written with ``+``: the law says the hyphen is
  replaced by a plus sign *the calendar year* the person turns 100 ("det år en
  person fyller 100 år"), so the birth year is the latest matching year that is
  at least 100 years before ``today.year``. (This differs from "has had their
  100th birthday by today" in the window between 1 January and the birthday in
  the year the person turns 100; the law's rule is the one implemented.)
  The ``-`` rule above is deliberately lenient in that same window: a person
  turning 100 later this year who still writes ``-`` is resolved to the same
  year as if they had written ``+``.
* Date of birth must exist (month 01-12, real day of month, leap years) and not
  be in the future. Year at least 1800 (Skatteverket stores century 18, 19 or 20).
* Coordination number (samordningsnummer): the day is written as day + 60,
  i.e. 61-91, and must map to a real date.
  Strict choice: Skatteverket's published test samordningsnummer contain month
  ``00`` and day ``60`` for people whose birth month/day is unknown, and maintainers
  of other validators report Skatteverket confirming this by e-mail
  (https://github.com/ActiveLogin/ActiveLogin.Identity/issues/126,
  https://github.com/personnummer/csharp/issues/119). We do **not** accept them:
  day 60, day 00 and month 00 are all rejected with code ``"date"``, because
  :func:`national_id_birth_date` must always return a real date.
* Birth number (födelsenummer, the three digits NNN) is 001-999; 000 is rejected.
* Check digit: Luhn (modulus 10, weights 2,1,2,1,...) over the nine digits
  YYMMDDNNN of the ten-digit form.

Error order when several rules are broken: format, date, future, serial, checksum.

Exceptions never contain the number itself, so that they can be logged without
leaking personal data.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Final, Literal

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

__all__ = [
    "TEST_SERIAL_MAX",
    "TEST_SERIAL_MIN",
    "InvalidNationalId",
    "NationalIdErrorCode",
    "luhn_check_digit",
    "national_id_birth_date",
    "national_id_format",
    "national_id_is_coordination_number",
    "national_id_is_test_number",
    "national_id_make_test_number",
    "national_id_normalise",
]

NationalIdErrorCode = Literal["format", "date", "future", "checksum", "serial"]

MIN_YEAR: Final = 1800
COORDINATION_DAY_OFFSET: Final = 60
TEST_SERIAL_MIN: Final = 980
TEST_SERIAL_MAX: Final = 999

# [0-9] rather than \d: \d also matches Arabic-Indic, full-width and other digits.
_TWELVE_DIGITS: Final = re.compile(r"([0-9]{8})-?([0-9]{4})")
_TEN_DIGITS: Final = re.compile(r"([0-9]{6})([-+]?)([0-9]{4})")
_NORMALISED: Final = re.compile(r"[0-9]{12}")

_MESSAGES: Final[dict[NationalIdErrorCode, _StrPromise]] = {
    "format": _("Enter a personal identity number as YYYYMMDD-NNNN or YYMMDD-NNNN."),
    "date": _("The date of birth in the personal identity number does not exist."),
    "future": _("The date of birth in the personal identity number is in the future."),
    "checksum": _("The check digit is wrong: check the last digit."),
    "serial": _("The birth number (the three digits after the date) cannot be 000."),
}


class InvalidNationalId(ValueError):
    """A personal identity or coordination number that does not validate.

    ``code`` is a stable machine code; ``message`` is a lazily translated text
    for the person who typed the number. Forms can re-raise it as
    ``ValidationError(exc.message, code=exc.code)``.
    """

    code: NationalIdErrorCode
    message: _StrPromise

    def __init__(self, code: NationalIdErrorCode) -> None:
        # The code (not the number, not the translated text) goes into args, so
        # str(exc) and log lines never contain personal data and never need the
        # translation machinery.
        super().__init__(code)
        self.code = code
        self.message = _MESSAGES[code]


def luhn_check_digit(nine_digits: str) -> int:
    """Check digit (0-9) for ``YYMMDDNNN`` by Luhn / modulus 10, weights 2,1,2,...

    Raises ValueError unless ``nine_digits`` is exactly nine ASCII digits.
    """
    if len(nine_digits) != 9 or not nine_digits.isascii() or not nine_digits.isdigit():
        raise ValueError("luhn_check_digit() needs exactly nine ASCII digits")
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def national_id_normalise(raw: str, *, today: datetime.date | None = None) -> str:
    """Validate ``raw`` and return it as ``YYYYMMDDNNNC``.

    ``today`` decides the century of ten-digit numbers and what counts as the
    future; it defaults to ``datetime.date.today()``.

    Raises InvalidNationalId with code "format", "date", "future", "serial" or
    "checksum".
    """
    if today is None:
        today = datetime.date.today()
    text = raw.strip()

    twelve = _TWELVE_DIGITS.fullmatch(text)
    ten = None if twelve else _TEN_DIGITS.fullmatch(text)
    if twelve:
        date_part, tail = twelve.group(1), twelve.group(2)
        year = int(date_part[:4])
        month, written_day = int(date_part[4:6]), int(date_part[6:8])
    elif ten:
        date_part, separator, tail = ten.group(1), ten.group(2), ten.group(3)
        month, written_day = int(date_part[2:4]), int(date_part[4:6])
        year = _resolve_year(
            int(date_part[:2]),
            month,
            _real_day(written_day),
            plus=separator == "+",
            today=today,
        )
    else:
        raise InvalidNationalId("format")

    born = _birth_date(year, month, written_day)
    if born > today:
        raise InvalidNationalId("future")
    if tail[:3] == "000":
        raise InvalidNationalId("serial")
    nine = f"{year % 100:02d}{month:02d}{written_day:02d}{tail[:3]}"
    if luhn_check_digit(nine) != int(tail[3]):
        raise InvalidNationalId("checksum")
    return f"{year:04d}{month:02d}{written_day:02d}{tail}"


def national_id_format(normalised: str) -> str:
    """``YYYYMMDDNNNC`` -> ``YYYYMMDD-NNNC`` (the form to show people)."""
    _require_normalised(normalised)
    return f"{normalised[:8]}-{normalised[8:]}"


def national_id_birth_date(normalised: str) -> datetime.date:
    """Date of birth (for a coordination number: written day minus 60)."""
    _require_normalised(normalised)
    return _birth_date(int(normalised[:4]), int(normalised[4:6]), int(normalised[6:8]))


def national_id_is_coordination_number(normalised: str) -> bool:
    """True for a samordningsnummer (day of month written as day + 60)."""
    _require_normalised(normalised)
    return int(normalised[6:8]) > COORDINATION_DAY_OFFSET


def national_id_is_test_number(normalised: str) -> bool:
    """True if the birth number NNN (digits 9-11 of the twelve) is 980-999.

    What this does and does not mean
    --------------------------------
    This is a *project convention* for synthetic data (seed data, demos, tests),
    **not** a guarantee from Skatteverket that no real person has the number.

    What the published sources say (researched 2026-11):

    * Skatteverket publishes a list of test personnummer and test
      samordningsnummer as open data ("Allt du behöver veta om testpersonnummer",
      https://www.skatteverket.se/omoss/digitalasamarbeten/utvecklingavapierochoppnadata/kunskapochinspiration/alltdubehovervetaomtestpersonnummer.4.5b35a6251761e6914202df9.html
      as linked from Försäkringskassan's design system; the page text itself
      could not be retrieved for this research). SPAR describes that list
      as twelve-digit numbers that are "formellt korrekta men kommer inte att
      tilldelas någon verklig person", to be used in test environments only,
      never in production
      (https://statenspersonadressregister.se/master/start/teknisk-info/kundtestmiljoe/).
      It is an *enumerated list*, not a reserved range.
    * No source found says that birth numbers 980-999 are reserved for testing.
      Skatteverket's rättsliga vägledning says the födelsenummer "är något av
      talen 001 till 999", with no reserved range
      (https://www4.skatteverket.se/rattsligvagledning/edition/2020.9/330245.html).
    * The published test list is not confined to 980-999: copies of it used as
      fixtures by other validator projects hold serials such as 238 and 239
      next to 980, 981 and 982.
    * Before 1990 the first two digits of the birth number were a county code,
      and people registered after immigrating were given birth numbers starting
      with 9 (e.g. https://barnnamn.net/personnummer-sverige/: "Tidigare fick
      invandrare en nia som första siffra"). So real people may well hold
      birth numbers in 980-999.

    Consequence: a number for which this returns True may still belong to a real
    person. Only numbers on Skatteverket's published list are guaranteed never to
    be assigned. Use this flag to mark and filter synthetic data, not to decide
    that a number is safe to show or to send to other systems.
    """
    _require_normalised(normalised)
    return TEST_SERIAL_MIN <= int(normalised[8:11]) <= TEST_SERIAL_MAX


def national_id_make_test_number(*, born: datetime.date, serial: int, coordination: bool = False) -> str:
    """Build a normalised number with birth number ``serial`` (980-999).

    With ``coordination=True`` the day is written as day + 60. The check digit
    is computed; the result passes :func:`national_id_normalise` for any
    ``today`` on or after ``born``. Raises ValueError for a serial outside
    980-999 or a year before 1800.
    """
    if not TEST_SERIAL_MIN <= serial <= TEST_SERIAL_MAX:
        raise ValueError(f"a test number needs a birth number from {TEST_SERIAL_MIN} to {TEST_SERIAL_MAX}")
    if born.year < MIN_YEAR:
        raise ValueError(f"the year of birth must be {MIN_YEAR} or later")
    day = born.day + COORDINATION_DAY_OFFSET if coordination else born.day
    nine = f"{born.year % 100:02d}{born.month:02d}{day:02d}{serial:03d}"
    return f"{born.year:04d}{born.month:02d}{day:02d}{serial:03d}{luhn_check_digit(nine)}"


def _require_normalised(normalised: str) -> None:
    if not _NORMALISED.fullmatch(normalised):
        raise InvalidNationalId("format")


def _real_day(written_day: int) -> int:
    """Day of month from the written day (coordination numbers: minus 60)."""
    if written_day > COORDINATION_DAY_OFFSET:
        return written_day - COORDINATION_DAY_OFFSET
    return written_day


def _resolve_year(two_digit_year: int, month: int, day: int, *, plus: bool, today: datetime.date) -> int:
    """Four-digit year for a ten-digit number (see the module docstring).

    ``month`` and ``day`` are only compared, not validated: an impossible date
    is reported as "date" by the caller.
    """
    if plus:
        latest = today.year - 100
        return latest - (latest - two_digit_year) % 100
    year = today.year - (today.year - two_digit_year) % 100
    if year == today.year and (month, day) > (today.month, today.day):
        year -= 100
    return year


def _birth_date(year: int, month: int, written_day: int) -> datetime.date:
    """The real date of birth, or InvalidNationalId("date").

    Written day 01-31 is a personnummer, 61-91 a samordningsnummer; everything
    else (00, 32-60 including 60, 92-99) is rejected.
    """
    if year < MIN_YEAR:
        raise InvalidNationalId("date")
    if 1 <= written_day <= 31:
        day = written_day
    elif COORDINATION_DAY_OFFSET + 1 <= written_day <= COORDINATION_DAY_OFFSET + 31:
        day = written_day - COORDINATION_DAY_OFFSET
    else:
        raise InvalidNationalId("date")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise InvalidNationalId("date") from None
