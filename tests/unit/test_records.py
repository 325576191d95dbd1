"""Treatment records' pure rules: the owner's field definitions, typed values, the summary."""
from datetime import UTC, datetime

import pytest

from chalicelib.domain.appointment import Appointment, Status
from chalicelib.domain.errors import IllegalTransition, InvalidRequest
from chalicelib.domain.records import (
    RecordField,
    TreatmentRecord,
    checked_values,
    format_fields_spec,
    parse_fields_spec,
    photo_slot,
    require_started,
)

SPEC = "Formula\nDeveloper % | number\nReaction | choice | none, redness,  irritation, none"


def test_a_spec_line_is_a_label_a_kind_and_choices():
    fields = parse_fields_spec(SPEC)
    assert fields == (RecordField("formula", "Formula"), RecordField("developer", "Developer %", "number"),
                      RecordField("reaction", "Reaction", "choice", ("none", "redness", "irritation")))
    assert parse_fields_spec(format_fields_spec(fields)) == fields


@pytest.mark.parametrize("spec, problem", [
    ("Formula\nformula", "same name"), ("Strength | percent", "text, number or choice"),
    ("Reaction | choice", "choices"), ("x" * 61, "1 to 60 characters"),
    ("\n".join(f"F{i}" for i in range(13)), "at most 12"),
])
def test_a_bad_spec_says_what_to_fix(spec, problem):
    with pytest.raises(InvalidRequest, match=problem):
        parse_fields_spec(spec)


def test_values_are_checked_against_their_kind():
    fields = parse_fields_spec(SPEC)
    assert checked_values(fields, {"developer": "1,50", "reaction": "none", "formula": "  6/0   + 20 "}) == {
        "formula": "6/0 + 20", "developer": "1.50", "reaction": "none"}
    assert checked_values(fields, {"developer": "20.0", "formula": ""}) == {"developer": "20"}
    for typed, problem in (({"developer": "NaN"}, "type a number"), ({"reaction": "burnt"}, "choose one of"),
                           ({"colour": "x"}, "no field 'colour'"), ({"formula": "x" * 301}, "at most 300")):
        with pytest.raises(InvalidRequest, match=problem):
            checked_values(fields, typed)


def test_the_summary_is_one_short_line():
    record = TreatmentRecord("s", "c", "a", datetime(2026, 3, 24, 9, tzinfo=UTC), "giulia", "color",
                             text="Roots\nonly " + "x" * 200, values={"formula": "6/0"}, labels={"formula": "Formula"})
    summary = record.summary()
    assert summary.startswith("Formula: 6/0; Roots only x") and len(summary) == 140 and summary.endswith("…")


def test_a_record_needs_a_started_appointment_and_a_photo_place_is_one_to_six():
    appt = Appointment("a", "s", "color", "giulia", "c", datetime(2026, 3, 24, 9, tzinfo=UTC),
                       datetime(2026, 3, 24, 10, tzinfo=UTC))
    with pytest.raises(IllegalTransition):
        require_started(appt)
    require_started(appt.mark_arrived())
    require_started(appt.mark_arrived().complete())
    assert appt.mark_arrived().status is Status.ARRIVED
    assert photo_slot("6") == 6
    for bad in ("0", "7", "x", "../1"):
        with pytest.raises(InvalidRequest):
            photo_slot(bad)
