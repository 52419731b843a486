"""Letters without their accents, the one way the site compares text that people type with or without them.

"Ciática" and "ciatica" are one word to condition matching (clinics/conditions.py), "Peña" and "Pena" one city
to the offline index (clinics/geocoding/offline.py), and "Órtesis" sorts beside "Ortopedia" (clinics/translation.py).
"""

from __future__ import annotations

import unicodedata


def without_accents(text: str) -> str:
    """'Ciática' → 'Ciatica'; characters with no plain-letter form are dropped. ASCII text comes back as it is."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
