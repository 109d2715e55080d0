"""Units typed as people type them: ASCII for the micro sign ("ug", "mcg", "uL"), another
case ("ml"), the Greek mu; always stored in the protocol's own spelling, and refused when
it could be two of the field's units."""

from __future__ import annotations

import pytest

from screener.errors import ScreenerError
from screener.extraction.values import check_value, field_unit, parse_text
from screener.protocol import ExtractionField, FieldType

DOSE = ExtractionField(
    "dose",
    FieldType.NUMBER_UNIT,
    "Dose",
    units=("µg", "µg/kg", "mg/kg", "particles", "mL", "µL", "°C"),
)
CONCENTRATION = ExtractionField(
    "concentration", FieldType.NUMBER_UNIT, "Concentration", units=("mM", "mm", "µM", "µm")
)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("µg", "µg"),
        ("ug", "µg"),
        ("mcg", "µg"),
        ("UG", "µg"),
        ("\u03bcg", "µg"),  # the Greek letter mu for the micro sign
        ("ug/kg", "µg/kg"),
        ("mcg/kg", "µg/kg"),
        ("uL", "µL"),
        ("ul", "µL"),
        ("ml", "mL"),
        ("Particles", "particles"),
        ("degC", "°C"),
    ],
)
def test_ascii_and_other_case_spellings_are_the_fields_unit(typed: str, stored: str) -> None:
    assert field_unit(DOSE, typed) == stored
    value, _ = check_value(DOSE, parse_text(DOSE, f"10 {typed}"), (), False)
    assert value == {"value": 10.0, "unit": stored}


@pytest.mark.parametrize("typed", ["g", "kg", "mcl/kg", "ugg", "u", "mc", "µ"])
def test_other_units_are_refused(typed: str) -> None:
    assert field_unit(DOSE, typed) is None
    with pytest.raises(ScreenerError, match=f"dose: '{typed}' is not one of its units"):
        check_value(DOSE, {"value": 1, "unit": typed}, (), False)


def test_case_decides_only_when_the_field_has_both() -> None:
    assert field_unit(CONCENTRATION, "mM") == "mM" and field_unit(CONCENTRATION, "mm") == "mm"
    assert field_unit(CONCENTRATION, "uM") == "µM" and field_unit(CONCENTRATION, "um") == "µm"
    assert field_unit(CONCENTRATION, "MM") is None  # mm or mM: refused, never guessed
