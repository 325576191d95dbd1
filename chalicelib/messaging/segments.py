"""What a text costs: GSM 03.38 (7-bit) or UCS-2, and how many SMS segments it takes.

One character outside the GSM-7 alphabet turns the whole text into UCS-2 (70 instead of 160
characters), so `fold_to_gsm7` can spell a Latin-script text without the accents GSM-7 lacks.
"""
import unicodedata

# The GSM 03.38 basic character set (ESC, the escape to the extension table, left out).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: ESC + the character, two septets each.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
CONCATENATED = {"GSM-7": 153, "UCS-2": 67}  # the rest of each segment carries the UDH

# Characters NFD cannot take apart, and typography with a plain GSM-7 spelling.
_FOLD = {
    "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "œ": "oe", "Œ": "OE",
    "‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‑": "-", "…": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ",
}


def encoding(text: str) -> str:
    return "GSM-7" if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else "UCS-2"


def sms_segments(text: str) -> tuple[str, int]:
    """("GSM-7" | "UCS-2", number of segments). Empty text still costs one SMS."""
    enc = encoding(text)
    if enc == "GSM-7":
        units = [2 if c in GSM7_EXTENSION else 1 for c in text]
    else:
        units = [2 if ord(c) > 0xFFFF else 1 for c in text]  # UTF-16 code units: an emoji is 2
    if sum(units) <= SINGLE[enc]:
        return enc, 1
    # Concatenated: an escape pair or a surrogate pair is never split between two segments.
    limit, count, used = CONCATENATED[enc], 1, 0
    for size in units:
        if used + size > limit:
            count, used = count + 1, 0
        used += size
    return enc, count


def fold_to_gsm7(text: str) -> str:
    """Spell a text with GSM-7 characters where it can: 'Łódź, São, señora' -> 'Lodz, Sao, señora'.

    Letters GSM-7 has (è, é, ñ, ü...) stay; other accented letters lose their accent; letters of
    other scripts (Cyrillic) stay as they are, so such a text remains UCS-2.
    """
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENSION:
            out.append(char)
        elif char in _FOLD:
            out.append(_FOLD[char])
        else:
            base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
            out.append(base if base and all(c in GSM7_BASIC for c in base) else char)
    return "".join(out)
