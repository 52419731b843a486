"""Reading what people type: tidy spacing and case, find a ZIP, split "City, State".

Shared by the entry point (which decides what a query is) and the online geocoder (whose
answer cache is keyed by the tidied query, so that "  850 43RD AVE" is asked for once).
"""

from __future__ import annotations

import re
import unicodedata

from clinics.states import STATE_LOOKUP

# A whole query that is a ZIP or ZIP+4 ("61265", "61265-1234", "61265 1234", "612651234").
ZIP_QUERY_RE = re.compile(r"^(\d{5})(?:[-\s]?(\d{4}))?$")
# A ZIP at the end of an address or a geocoder's label.
ZIP_IN_TEXT_RE = re.compile(r"\b(\d{5})(?:[-\s]\d{4})?\s*$")


def normalize_query(text: str) -> str:
    """Fold case, accents are kept, spacing and punctuation around commas are tidied."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s*,\s*", ", ", text).strip(" ,")
    return text.lower()


def split_city_state(text: str) -> tuple[str, str] | None:
    """'Moline, IL' / 'moline il' / 'Cedar Rapids, Iowa' -> ('moline', 'IL'); None if no state at the end."""
    cleaned = text.strip().rstrip(".")
    if "," in cleaned:
        city, _, state = cleaned.rpartition(",")
        code = STATE_LOOKUP.get(state.strip().lower())
        return (city.strip(), code) if code and city.strip() else None
    words = cleaned.split()
    # Try the longest state name first: "sioux city south dakota", then "... dakota".
    for n in (3, 2, 1):
        if len(words) > n:
            code = STATE_LOOKUP.get(" ".join(words[-n:]).lower())
            if code:
                return " ".join(words[:-n]), code
    return None
