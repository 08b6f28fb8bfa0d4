r"""Personal identifiers: the resident ID number (GB 11643-1999), the mainland mobile, the email address,
their consistency with the stated birth year and gender (their masking: ``masking``).

Libraries where they are at least as good as hand-written code, ours where they are not:

- the ID number's check digit is ``stdnum.cn.ric.calc_check_digit`` (python-stdnum). ``stdnum.cn.ric.validate``
  itself is not used: it rejects the Hong Kong/Macao/Taiwan residence permit numbers (prefixes 81-83, absent
  from its county table) and numbers whose six-digit county code was retired since issue (the number keeps
  it for life); it accepts birth dates in the future or before 1900; and it says only "invalid", where we
  tell the user which characters to check and why Excel mangles long numbers.
- the mobile is checked with ``phonenumbers`` (libphonenumber's metadata): it knows which 1xx prefixes are
  allocated to mobile networks (140-144 and 148/149 are data-only, 154 and 194 unallocated ...), which our old
  pattern ``1[3-9]\d{9}`` did not. We keep our own clean-up before it (dashes of every width, NFKC, +86/0086)
  and our message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers
from stdnum.cn import ric

from expert_pool.rules.errors import FieldError
from expert_pool.rules.messages import N_, Text
from expert_pool.rules.normalize.text import DASHES, normalize_text, strip_number_noise
from expert_pool.rules.regions import ID_NUMBER_PROVINCE_PREFIXES

# ---------------------------------------------------------------------------------------------------------
# Resident ID number (GB 11643-1999)

_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
# Advice shown with length and check-digit errors: Excel turns a typed 18-digit number into 1.1E+17 and
# silently zeroes the last three digits, which is by far the most common cause of a bad ID in an import.
_EXCEL_HINT = Text(N_("If this comes from Excel, format the column as Text and re-enter the number; "
                      "otherwise Excel replaces the last digits with 0."))


@dataclass(frozen=True)
class IdNumberInfo:
    """What a valid ID number says about its holder."""

    birth_date: date
    gender: str  # "M" or "F": the 17th digit is odd for men, even for women
    region_code: str  # the six-digit GB/T 2260 code of the place of first registration
    number: str = ""  # the normalised number itself

    @property
    def province_code(self) -> str:
        return self.region_code[:2]


def id_number_check_digit(first17: str) -> str:
    """The GB 11643-1999 check character ("0"-"9" or "X") for the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    return ric.calc_check_digit(first17 + "0")  # it reads the first 17 characters of a full number


def validate_id_number(s: str | None, *, today: date) -> IdNumberInfo:
    """Validate a mainland resident ID number (or Hong Kong/Macao/Taiwan residence permit number).

    Accepts what users type: full-width digits, spaces and dashes between groups, a lower-case "x".
    Checks, in this order so the first message is the most useful one: presence, length (a separate
    message for the old 15-digit numbers), characters, province prefix (see
    ``regions.ID_NUMBER_PROVINCE_PREFIXES``), birth date (a real date, not before 1900, not after
    ``today``), and the ISO 7064 MOD 11-2 check digit.

    ``today`` is the date in China, passed in (a rule never reads the clock).
    """
    number = strip_number_noise(s).upper()
    if not number:
        raise FieldError("id_number_required", N_("The ID number is required."))
    if len(number) == 15 and number.isdigit():
        raise FieldError(
            "id_number_length",
            N_("This is an old 15-digit ID number; enter the current 18-character number."),
            {"length": 15},
        )
    if len(number) != 18:
        raise FieldError(
            "id_number_length",
            Text(N_("An ID number has 18 characters, this one has {length}. {hint}"),
                 {"length": len(number), "hint": _EXCEL_HINT}),
            {"length": len(number)},
        )
    if not _ID_RE.fullmatch(number):
        raise FieldError(
            "id_number_format",
            N_("The first 17 characters of an ID number are digits; the last is a digit or X."),
        )
    if number[:2] not in ID_NUMBER_PROVINCE_PREFIXES:
        raise FieldError(
            "id_number_region",
            Text(N_("The ID number starts with {prefix}, which is not a valid region code; please check it."),
                 {"prefix": number[:2]}),
            {"prefix": number[:2]},
        )
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        birth = None
    if birth is None or birth.year < 1900 or birth > today:
        raise FieldError(
            "id_number_birth_date",
            Text(N_("The birth date {birth_date} in the ID number is not valid; check characters 7-14."),
                 {"birth_date": number[6:14]}),
            {"birth_date": number[6:14]},
        )
    if id_number_check_digit(number[:17]) != number[17]:
        raise FieldError(
            "id_number_checksum",
            Text(N_("The ID number's check digit does not match; check each digit. {hint}"), {"hint": _EXCEL_HINT}),
        )
    return IdNumberInfo(
        birth_date=birth,
        gender="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
        number=number,
    )


def normalize_id_number(s: str | None, *, today: date) -> str:
    """The canonical 18-character ID number (digits, upper-case X); raises :class:`FieldError` if invalid.

    Like the other ``normalize_*`` functions this validates too, so a normalised value is always a valid
    one; see :func:`validate_id_number` for the rules and for the facts the number encodes.
    """
    return validate_id_number(s, today=today).number


# ---------------------------------------------------------------------------------------------------------
# Mobile and email

# The shape, checked first: it bounds what reaches phonenumbers and keeps landlines with +86 out early.
_MOBILE_SHAPE_RE = re.compile(r"1[3-9][0-9]{9}")
# Parentheses as in "(+86) 138 0013 8000"; NFKC has already turned full-width ones into ASCII.
_MOBILE_NOISE_RE = re.compile(rf"[\s{re.escape(DASHES)}()]+")


def normalize_mobile(s: str | None) -> str:
    """An 11-digit mainland mobile number, e.g. "13800138000".

    Removes spaces, dashes and parentheses of any width and a leading +86, 0086 or 86 country code.
    Landlines and numbers outside the mainland are rejected: the programme reaches experts by SMS.
    """
    number = _MOBILE_NOISE_RE.sub("", normalize_text(s))
    if number.startswith("+86"):
        number = number[3:]
    elif number.startswith("0086"):
        number = number[4:]
    elif len(number) == 13 and number.startswith("86"):
        number = number[2:]
    if not (_MOBILE_SHAPE_RE.fullmatch(number) and _is_mainland_mobile(number)):
        raise FieldError(
            "mobile_invalid",
            N_("Enter an 11-digit mainland China mobile number, e.g. 13800138000."),
        )
    return number


def _is_mainland_mobile(number: str) -> bool:
    """Whether libphonenumber knows ``number`` as an allocated mainland mobile (not data-only, not a landline)."""
    try:
        parsed = phonenumbers.parse(number, "CN")
    except phonenumbers.NumberParseException:
        return False
    return (phonenumbers.region_code_for_number(parsed) == "CN" and phonenumbers.is_valid_number(parsed)
            and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE)


_EMAIL_LOCAL_RE = re.compile(r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_EMAIL_LABEL_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_EMAIL_TLD_RE = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")


def normalize_email(s: str | None) -> str:
    """A syntactically plausible email address, entirely in lower case.

    NFKC first, so "ｚｈａｎｇ＠１６３．ｃｏｍ" works, and the ideographic full stop "。" (a common IME slip)
    becomes ".". The *local part* is lower-cased too, although RFC 5321 lets it be case-sensitive: every
    provider our experts use (qq.com, 163.com, edu.cn, gov.cn, gmail.com ...) ignores case, and one spelling
    per address is what makes duplicate detection work. Only ASCII addresses are accepted; internationalised
    domains must be given in their xn-- form.
    """
    address = normalize_text(s).replace("。", ".").lower()
    # Length first: it bounds the work of the regular expressions below, whatever the input size.
    local, sep, domain = address.rpartition("@")
    labels = domain.split(".")
    if not (
        sep
        and len(address) <= 254
        and len(local) <= 64
        and _EMAIL_LOCAL_RE.fullmatch(local)
        and len(labels) >= 2
        and all(_EMAIL_LABEL_RE.fullmatch(label) for label in labels[:-1])
        and _EMAIL_TLD_RE.fullmatch(labels[-1])
    ):
        raise FieldError(
            "email_invalid",
            N_("The email address is not valid, e.g. zhangsan@example.com."),
        )
    return address


def identity_mismatches(info: IdNumberInfo, *, birth_year: int | None, gender: str | None) -> dict[str, FieldError]:
    """What the stated birth year and gender contradict in the ID number, by field (empty when consistent).

    Neither python-stdnum nor anything else checks this: it is ours, and the one place the API, the
    spreadsheet import and an edit all ask."""
    errors: dict[str, FieldError] = {}
    if birth_year is not None and birth_year != info.birth_date.year:
        errors["birth_year"] = FieldError("birth_year_mismatch", N_("The birth year does not match the ID number."))
    if gender and gender != info.gender:
        errors["gender"] = FieldError("gender_mismatch", N_("The gender does not match the ID number."))
    return errors
