"""Model fields that validate and normalise US contact data.

Not django-localflavor's: its model USZipCodeField checks only the length (the format is checked
by its form field alone, so a spreadsheet import would store "1234"), refuses "61265 1234" where
this one stores 61265-1234, and version 5.1 has no US phone field at all.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")

validate_zip_code = RegexValidator(
    ZIP_RE,
    message="Enter a ZIP code of 5 digits (61265) or ZIP+4 (61265-1234).",
    code="invalid_zip",
)


def to_coordinate(value: float) -> Decimal:
    """A latitude or longitude as the columns store it (6 decimals, about 10 cm)."""
    return Decimal(str(round(value, 6)))


def normalize_phone(value: str) -> str | None:
    """Return a US phone number as 319-247-3425, or None when it is not one."""
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def validate_phone(value: str) -> None:
    if value and normalize_phone(value) is None:
        raise ValidationError("Enter a 10-digit US phone number, such as 319-247-3425.", code="invalid_phone")


def validate_timezone(value: str) -> None:
    if not value:
        return
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "Enter an IANA time zone name, such as America/Chicago.", code="invalid_timezone"
        ) from None


class PhoneField(models.CharField):
    """A US phone number, stored in one format (319-247-3425) however it was typed."""

    default_validators = [validate_phone]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            value = value.strip()
            return normalize_phone(value) or value
        return value


class ZipCodeField(models.CharField):
    """A 5-digit ZIP or ZIP+4; "61265 1234" is accepted and stored as 61265-1234."""

    default_validators = [validate_zip_code]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 10)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if isinstance(value, str):
            value = value.strip()
            match = re.fullmatch(r"(\d{5})\s+(\d{4})", value)
            if match:
                value = f"{match[1]}-{match[2]}"
        return value
