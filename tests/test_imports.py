"""lms.imports: the one spreadsheet-formula guard, used by the importers, the report exports and the audit CSV."""

from __future__ import annotations

import pytest

from lms.imports import CSVRow, formula_columns, looks_like_formula, neutralise

#: One value per character a formula can start with (OWASP's CSV injection list).
FORMULA_VALUES = {
    "=": "=HYPERLINK(\"http://x\",\"y\")",
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3",
    "@": "@SUM(A1:A2)",
    "tab": "\t=1+1",
    "carriage return": "\r=1+1",
}


@pytest.mark.parametrize("value", FORMULA_VALUES.values(), ids=FORMULA_VALUES.keys())
def test_neutralise_prefixes_an_apostrophe_to_each_formula_start(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", FORMULA_VALUES.values(), ids=FORMULA_VALUES.keys())
def test_each_formula_start_looks_like_a_formula(value):
    assert looks_like_formula(value)


@pytest.mark.parametrize("value", ["Әсел Қасымова", "a=b", " =1", "1-2", "", "'=already", "\n=1"])
def test_other_text_does_not_look_like_a_formula_and_stays_as_it_is(value):
    assert not looks_like_formula(value)
    assert neutralise(value) == value


@pytest.mark.parametrize("value", [5, 0, 1.5, None])
def test_neutralise_leaves_non_text_alone(value):
    assert neutralise(value) == value


def test_formula_columns_names_every_cell_that_starts_like_a_formula():
    row = CSVRow(line=2, cells={"email": "a@example.kz", "full_name": "-Name", "position": "\rx", "agency": "MDAI"})
    assert formula_columns(row) == ["full_name", "position"]
