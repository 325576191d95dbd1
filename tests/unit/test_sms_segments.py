"""SMS length: GSM-7 or UCS-2, and the segment boundaries carriers bill by."""
import pytest

from chalicelib.messaging.segments import fold_to_gsm7, sms_segments


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ("GSM-7", 1)),
        ("a" * 160, ("GSM-7", 1)),
        ("a" * 161, ("GSM-7", 2)),
        ("a" * 306, ("GSM-7", 2)),
        ("a" * 307, ("GSM-7", 3)),
        ("è" * 160, ("GSM-7", 1)),  # the accents GSM-7 has cost one septet
        ("ж" * 70, ("UCS-2", 1)),
        ("ж" * 71, ("UCS-2", 2)),
        ("ж" * 134, ("UCS-2", 2)),
        ("ж" * 135, ("UCS-2", 3)),
        ("a" * 159 + "ą", ("UCS-2", 3)),  # one Polish letter: 160 UCS-2 units
    ],
)
def test_segment_boundaries(text, expected):
    assert sms_segments(text) == expected


@pytest.mark.parametrize("char", list("€[]{}\\^~|"))
def test_extension_characters_take_two_septets(char):
    assert sms_segments(char * 80) == ("GSM-7", 1)
    assert sms_segments(char * 81) == ("GSM-7", 2)
    assert sms_segments("a" * 159 + char) == ("GSM-7", 2)


def test_an_extension_pair_is_not_split_between_segments():
    # 152 septets, then "€" (2) does not fit in the first 153: it opens the second segment.
    assert sms_segments("a" * 152 + "€" + "a" * 152) == ("GSM-7", 3)
    assert sms_segments("a" * 151 + "€" + "a" * 153) == ("GSM-7", 2)


def test_an_emoji_is_two_utf16_units():
    assert sms_segments("🙂" * 35) == ("UCS-2", 1)
    assert sms_segments("🙂" * 35 + "a") == ("UCS-2", 2)
    assert sms_segments("a" + "🙂" * 34) == ("UCS-2", 1)


def test_a_surrogate_pair_is_not_split_between_segments():
    assert sms_segments("a" * 66 + "🙂" + "a" * 67) == ("UCS-2", 3)
    assert sms_segments("a" * 65 + "🙂" + "a" * 67) == ("UCS-2", 2)


def test_folding_drops_only_the_accents_gsm7_lacks():
    assert fold_to_gsm7("Łódź, São Conceição, Ángela, señora, perché, più") == (
        "Lodz, Sao Conceicao, Angela, señora, perché, più"
    )
    assert fold_to_gsm7("10:00\u202fAM – “ok”…") == '10:00 AM - "ok"...'
    assert fold_to_gsm7("Салон") == "Салон"  # another script stays: still UCS-2
