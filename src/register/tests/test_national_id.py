"""Tests for register.national_id.

Numbers used here, so that no real person's number ends up in the repository:

* 19121212-1212, the well-known public example;
* numbers with birth number 980-999 taken from Skatteverket's published list of
  test personnummer (198507099805, 19080807-9800, 18991223-9812, 930302+9806);
* numbers built with national_id_make_test_number (birth number 980-999);
* numbers that are invalid anyway (impossible date, wrong check digit, ...).

The tests compare ``exc.code``, never the translated message, so they need no
Django settings (run with ``-p no:django``).
"""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from register.national_id import (
    InvalidNationalId,
    NationalIdErrorCode,
    luhn_check_digit,
    national_id_birth_date,
    national_id_format,
    national_id_is_coordination_number,
    national_id_is_test_number,
    national_id_make_test_number,
    national_id_normalise,
)

TODAY = datetime.date(2026, 11, 25)
PUBLIC_EXAMPLE = "191212121212"
# From Skatteverket's published test personnummer (birth numbers 980 and 981).
SKV_TEST_1985 = "198507099805"
SKV_TEST_1985_B = "198507099813"


def _code(raw: str, *, today: datetime.date = TODAY) -> str:
    with pytest.raises(InvalidNationalId) as info:
        national_id_normalise(raw, today=today)
    return info.value.code


def _with_check_digit(yyyymmdd: str, serial: str = "981") -> str:
    """Twelve digits with a correct check digit, whatever the date part says."""
    return f"{yyyymmdd}{serial}{luhn_check_digit(yyyymmdd[2:] + serial)}"


def _ten(normalised: str, separator: str = "-") -> str:
    return f"{normalised[2:8]}{separator}{normalised[8:]}"


# --- the public example and accepted spellings -------------------------------


def test_luhn_check_digit_of_the_public_example_is_2() -> None:
    assert luhn_check_digit("121212121") == 2


def test_public_example_normalises_to_twelve_digits_without_separator() -> None:
    assert national_id_normalise("19121212-1212", today=TODAY) == PUBLIC_EXAMPLE


@pytest.mark.parametrize(
    "spelling",
    [
        "191212121212",
        "19121212-1212",
        "121212+1212",
        "  19121212-1212\t\n",
        " 121212+1212 ",
    ],
)
def test_all_spellings_of_the_public_example_normalise_to_the_same_string(
    spelling: str,
) -> None:
    assert national_id_normalise(spelling, today=TODAY) == PUBLIC_EXAMPLE


@pytest.mark.parametrize(
    "spelling",
    [
        "198507099805",
        "19850709-9805",
        "8507099805",
        "850709-9805",
        "\u00a0850709-9805\r\n",
    ],
)
def test_all_spellings_of_a_published_test_number_normalise_to_the_same_string(
    spelling: str,
) -> None:
    assert national_id_normalise(spelling, today=TODAY) == SKV_TEST_1985


def test_published_test_numbers_over_100_with_plus_get_the_earlier_century() -> None:
    assert national_id_normalise("930302+9806", today=TODAY) == "189303029806"
    assert national_id_normalise("080807+9800", today=TODAY) == "190808079800"
    assert national_id_normalise("18991223-9812", today=TODAY) == "189912239812"


def test_default_today_is_the_real_date() -> None:
    assert national_id_normalise("19121212-1212") == PUBLIC_EXAMPLE


# --- century of ten-digit numbers -------------------------------------------


def test_plus_separator_moves_the_public_example_to_1912() -> None:
    normalised = national_id_normalise("121212+1212", today=TODAY)
    assert national_id_birth_date(normalised) == datetime.date(1912, 12, 12)


def test_hyphen_separator_puts_the_public_example_in_2012() -> None:
    normalised = national_id_normalise("121212-1212", today=TODAY)
    assert national_id_birth_date(normalised) == datetime.date(2012, 12, 12)


def test_no_separator_is_read_like_a_hyphen() -> None:
    assert national_id_normalise("1212121212", today=TODAY) == national_id_normalise(
        "121212-1212", today=TODAY
    )


def test_ten_digit_date_later_this_year_belongs_to_the_previous_century() -> None:
    born = datetime.date(1926, 12, 24)  # 24 December is after TODAY (25 November)
    number = national_id_make_test_number(born=born, serial=981)
    assert national_id_normalise(_ten(number), today=TODAY) == number
    assert national_id_normalise(_ten(number, ""), today=TODAY) == number


def test_ten_digit_date_earlier_this_year_belongs_to_this_year() -> None:
    born = datetime.date(2026, 1, 15)
    number = national_id_make_test_number(born=born, serial=982)
    assert national_id_normalise(_ten(number), today=TODAY) == number


def test_ten_digit_birthday_today_is_not_in_the_future() -> None:
    number = national_id_make_test_number(born=TODAY, serial=983)
    assert national_id_normalise(_ten(number), today=TODAY) == number


def test_plus_applies_from_the_calendar_year_the_person_turns_100() -> None:
    # Folkbokföringslagen 18 §: the hyphen becomes a plus "det år en person
    # fyller 100 år", so someone born 24 Dec 1926 writes + all through 2026,
    # even before the birthday.
    number = national_id_make_test_number(born=datetime.date(1926, 12, 24), serial=985)
    assert national_id_normalise(_ten(number, "+"), today=TODAY) == number


def test_plus_for_someone_turning_100_next_year_means_two_centuries_back() -> None:
    number = national_id_make_test_number(born=datetime.date(1927, 1, 2), serial=987)
    normalised = national_id_normalise(_ten(number, "+"), today=TODAY)
    assert national_id_birth_date(normalised) == datetime.date(1827, 1, 2)


def test_plus_for_a_date_earlier_this_year_means_a_century_ago() -> None:
    number = national_id_make_test_number(born=datetime.date(1926, 1, 15), serial=989)
    assert national_id_normalise(_ten(number, "+"), today=TODAY) == number


# --- coordination numbers (samordningsnummer) -------------------------------


def test_coordination_number_with_day_plus_60_is_valid() -> None:
    born = datetime.date(1990, 2, 28)
    number = national_id_make_test_number(born=born, serial=982, coordination=True)
    assert number[6:8] == "88"
    assert national_id_normalise(number, today=TODAY) == number
    assert national_id_normalise(_ten(number), today=TODAY) == number
    assert national_id_is_coordination_number(number)
    assert national_id_birth_date(number) == born


def test_coordination_number_keeps_the_day_as_written_when_normalised() -> None:
    number = national_id_make_test_number(born=datetime.date(2001, 3, 31), serial=990, coordination=True)
    assert national_id_normalise(national_id_format(number), today=TODAY)[6:8] == "91"


def test_personnummer_is_not_a_coordination_number() -> None:
    assert not national_id_is_coordination_number(PUBLIC_EXAMPLE)


@pytest.mark.parametrize(
    "yyyymmdd",
    [
        "19900192",  # day 92 = 32 + 60
        "19900160",  # day 60 (unknown day): rejected on purpose, see module docstring
        "19900289",  # 29 + 60 in February of a non-leap year
        "19900431",  # 31 April ... (not a coordination number, but just as wrong)
        "19900491",  # ... and 31 April + 60
        "19900061",  # month 00 (unknown month): rejected on purpose
    ],
)
def test_coordination_number_must_map_to_a_real_date(yyyymmdd: str) -> None:
    assert _code(_with_check_digit(yyyymmdd)) == "date"


def test_coordination_number_for_29_february_in_a_leap_year_is_valid() -> None:
    number = national_id_make_test_number(born=datetime.date(2000, 2, 29), serial=984, coordination=True)
    assert number[4:8] == "0289"
    assert national_id_normalise(number, today=TODAY) == number


# --- dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    "yyyymmdd",
    [
        "19990230",  # 30 February
        "19000229",  # 1900 is not a leap year (divisible by 100, not by 400)
        "20230229",
        "19901301",  # month 13
        "19900001",  # month 00
        "19900100",  # day 00
        "19900132",  # day 32
        "19900145",  # between the two day ranges
        "17991231",  # before 1800
        "00000101",
    ],
)
def test_impossible_date_is_rejected(yyyymmdd: str) -> None:
    assert _code(_with_check_digit(yyyymmdd)) == "date"


def test_impossible_date_in_ten_digit_form_is_rejected() -> None:
    assert _code(_ten(_with_check_digit("19990230"))) == "date"


def test_29_february_2000_is_valid_because_2000_is_a_leap_year() -> None:
    number = national_id_make_test_number(born=datetime.date(2000, 2, 29), serial=986)
    assert national_id_normalise(number, today=TODAY) == number
    assert national_id_birth_date(number) == datetime.date(2000, 2, 29)


def test_year_1800_is_accepted() -> None:
    number = national_id_make_test_number(born=datetime.date(1800, 1, 1), serial=999)
    assert national_id_normalise(number, today=TODAY) == number


def test_birth_date_tomorrow_is_in_the_future() -> None:
    tomorrow = TODAY + datetime.timedelta(days=1)
    number = national_id_make_test_number(born=tomorrow, serial=981)
    assert _code(number) == "future"


def test_birth_date_years_ahead_is_in_the_future() -> None:
    assert _code(_with_check_digit("20300101")) == "future"


def test_coordination_number_in_the_future_is_rejected() -> None:
    number = national_id_make_test_number(born=datetime.date(2027, 1, 1), serial=981, coordination=True)
    assert _code(number) == "future"


def test_future_is_relative_to_the_given_today() -> None:
    assert _code(SKV_TEST_1985, today=datetime.date(1985, 7, 8)) == "future"
    assert national_id_normalise(SKV_TEST_1985, today=datetime.date(1985, 7, 9)) == SKV_TEST_1985


# --- birth number and check digit ---------------------------------------------


def test_birth_number_000_is_rejected() -> None:
    assert _code(_with_check_digit("19900101", "000")) == "serial"
    assert _code(_ten(_with_check_digit("19900101", "000"))) == "serial"


@pytest.mark.parametrize("wrong", [d for d in "0123456789" if d != "2"])
def test_wrong_check_digit_is_rejected(wrong: str) -> None:
    assert _code(PUBLIC_EXAMPLE[:11] + wrong) == "checksum"
    assert _code("121212+121" + wrong) == "checksum"


def test_swapped_digits_in_the_birth_number_fail_the_checksum() -> None:
    assert _code("19850709-9085") == "checksum"


# --- garbage -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "abc",
        "19121212-121X",
        "ÅÅMMDD-NNNN",
        "12345",
        "19121212-121",  # too short
        "1912121212123",  # too long
        "19121212-12121",
        "20191212121212",
        "19121212+1212",  # + with explicit century
        "121212 1212",  # internal space
        "19121212 - 1212",
        "121212--1212",
        "121212-+1212",
        "-1212121212",
        "1212121212-",
        "1912-1212-1212",
        "121212\u20131212",  # en dash
        "121212\u22121212",  # minus sign
        "\u0661\u0662\u0661\u0662\u0661\u0662-\u0661\u0662\u0661\u0662",  # Arabic-Indic
        "\uff11\uff12\uff11\uff12\uff11\uff12-\uff11\uff12\uff11\uff12",  # full-width
        "١٢",
        "1912121２-1212",
        "0x1212121212",
        "1.212121212",
    ],
)
def test_garbage_is_a_format_error(raw: str) -> None:
    assert _code(raw) == "format"


# --- formatting and helpers -------------------------------------------------------


def test_format_inserts_a_hyphen_after_the_date() -> None:
    assert national_id_format(PUBLIC_EXAMPLE) == "19121212-1212"


def test_formatted_number_normalises_back() -> None:
    assert national_id_normalise(national_id_format(SKV_TEST_1985_B), today=TODAY) == (SKV_TEST_1985_B)


def test_birth_date_of_the_public_example() -> None:
    assert national_id_birth_date(PUBLIC_EXAMPLE) == datetime.date(1912, 12, 12)


@pytest.mark.parametrize(
    "function",
    [
        national_id_format,
        national_id_birth_date,
        national_id_is_coordination_number,
        national_id_is_test_number,
    ],
)
@pytest.mark.parametrize("not_normalised", ["19121212-1212", "1212121212", "", "１９１２１２１２１２１２"])
def test_helpers_only_accept_the_normalised_form(function: object, not_normalised: str) -> None:
    assert callable(function)
    with pytest.raises(InvalidNationalId) as info:
        function(not_normalised)
    assert info.value.code == "format"


def test_published_test_numbers_count_as_test_numbers() -> None:
    assert national_id_is_test_number(SKV_TEST_1985)
    assert national_id_is_test_number(SKV_TEST_1985_B)


def test_public_example_is_not_a_test_number() -> None:
    assert not national_id_is_test_number(PUBLIC_EXAMPLE)


@pytest.mark.parametrize(("serial", "expected"), [("979", False), ("980", True), ("999", True)])
def test_test_number_range_boundaries(serial: str, expected: bool) -> None:
    # Only the digits are inspected; the check digit here is deliberately not computed.
    assert national_id_is_test_number(f"19900101{serial}0") is expected


@pytest.mark.parametrize("serial", [0, 1, 979, 1000, -980])
def test_make_test_number_refuses_serials_outside_980_to_999(serial: int) -> None:
    with pytest.raises(ValueError, match="birth number from 980 to 999"):
        national_id_make_test_number(born=datetime.date(1990, 1, 1), serial=serial)


def test_make_test_number_refuses_years_before_1800() -> None:
    with pytest.raises(ValueError, match="year of birth must be 1800 or later"):
        national_id_make_test_number(born=datetime.date(1799, 12, 31), serial=980)


@pytest.mark.parametrize("bad", ["", "12121212", "1212121212", "12121212a", "١٢١٢١٢١٢١", " 12121212"])
def test_luhn_check_digit_needs_nine_ascii_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="nine ASCII digits"):
        luhn_check_digit(bad)


def test_error_is_a_value_error_that_does_not_leak_the_number() -> None:
    with pytest.raises(ValueError, match=r"^checksum$") as info:
        national_id_normalise("19121212-1213", today=TODAY)
    error = info.value
    assert isinstance(error, InvalidNationalId)
    assert error.code == "checksum"
    assert "1212" not in str(error)
    assert "1212" not in repr(error)


def test_each_error_code_has_its_own_message() -> None:
    codes: tuple[NationalIdErrorCode, ...] = (
        "format",
        "date",
        "future",
        "checksum",
        "serial",
    )
    messages = [InvalidNationalId(code).message for code in codes]
    # Lazy strings: read the untranslated msgids (Django's lazy proxy keeps the
    # call arguments in ``_args``), so that no settings or catalogues are needed.
    msgids = {m._args[0] for m in messages}
    assert len(msgids) == len(codes)


# --- properties ------------------------------------------------------------------

births = st.dates(min_value=datetime.date(1800, 1, 1), max_value=TODAY)
test_serials = st.integers(min_value=980, max_value=999)


@given(born=births, serial=test_serials, coordination=st.booleans())
def test_made_test_number_is_valid_and_normalises_to_itself(
    born: datetime.date, serial: int, coordination: bool
) -> None:
    number = national_id_make_test_number(born=born, serial=serial, coordination=coordination)
    assert re.fullmatch(r"[0-9]{12}", number)
    assert national_id_normalise(number, today=TODAY) == number
    assert national_id_normalise(national_id_format(number), today=TODAY) == number
    assert national_id_is_test_number(number)
    assert national_id_is_coordination_number(number) is coordination
    assert national_id_birth_date(number) == born


@given(born=births, serial=test_serials, coordination=st.booleans())
def test_changing_the_last_digit_of_a_made_number_always_fails_the_checksum(
    born: datetime.date, serial: int, coordination: bool
) -> None:
    number = national_id_make_test_number(born=born, serial=serial, coordination=coordination)
    for digit in "0123456789":
        if digit != number[-1]:
            assert _code(number[:-1] + digit) == "checksum"


@st.composite
def born_and_today(draw: st.DrawFn) -> tuple[datetime.date, datetime.date]:
    today = draw(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2099, 12, 31)))
    earliest = datetime.date(max(1800, today.year - 199), 1, 1)
    born = draw(st.dates(min_value=earliest, max_value=today))
    return born, today


@given(dates=born_and_today(), serial=test_serials, coordination=st.booleans())
def test_ten_digit_form_with_the_lawful_separator_normalises_back(
    dates: tuple[datetime.date, datetime.date], serial: int, coordination: bool
) -> None:
    born, today = dates
    number = national_id_make_test_number(born=born, serial=serial, coordination=coordination)
    separator = "+" if today.year - born.year >= 100 else "-"
    assert national_id_normalise(_ten(number, separator), today=today) == number
    if separator == "-":
        assert national_id_normalise(_ten(number, ""), today=today) == number


@given(nine=st.text(alphabet="0123456789", min_size=9, max_size=9), data=st.data())
def test_luhn_detects_every_single_digit_change(nine: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=8))
    replacement = data.draw(st.sampled_from([d for d in "0123456789" if d != nine[position]]))
    changed = nine[:position] + replacement + nine[position + 1 :]
    assert luhn_check_digit(changed) != luhn_check_digit(nine)


@given(raw=st.text(max_size=20) | st.from_regex(r"\s*[0-9]{6,8}[-+]?[0-9]{4}\s*", fullmatch=True))
def test_normalise_either_returns_twelve_digits_or_raises_invalid_national_id(
    raw: str,
) -> None:
    try:
        result = national_id_normalise(raw, today=TODAY)
    except InvalidNationalId as error:
        assert error.code in {"format", "date", "future", "checksum", "serial"}
    else:
        assert re.fullmatch(r"[0-9]{12}", result)
        assert national_id_normalise(result, today=TODAY) == result
