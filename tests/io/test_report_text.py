"""A report's figures read with the digits of `logistics.domain.units`, in every table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from logistics.domain import units
from logistics.io.report_text import cell_text, figure_text
from logistics.services.report_tables import FIGURE_COLUMNS, province_label


@pytest.mark.parametrize("grams", [0, 1, 1250, 1255, 9200, 1234567])
def test_kg_reads_as_the_units_module_writes_it(grams):
    assert cell_text(units.kg(grams), "kg") == units.kg_text(grams)


@pytest.mark.parametrize("metres", [0, 48456, 41456, 23456])
def test_km_reads_as_the_units_module_writes_it(metres):
    assert cell_text(units.km(metres), "km") == units.km_text(metres)


def test_yuan_shares_hours_and_missing_values():
    assert cell_text(units.yuan(179365), "yuan") == "1,793.65"
    assert cell_text(0.5, "pct") == "50.0 %"
    assert cell_text(20.0, "hours") == "20.00"
    assert cell_text(None, "kg") == "–"
    assert cell_text(12345, "int") == "12,345"


def test_a_key_figure_carries_its_unit():
    value = FIGURE_COLUMNS[2]
    assert figure_text({"value": Decimal("70.5"), "unit": "yuan"}, value) == "70.50 yuan"
    assert figure_text({"value": Decimal("41.5"), "unit": "km"}, value) == "41.5 km"
    assert figure_text({"value": 0.61, "unit": "parcels/km"}, value) == "0.61"
    assert figure_text({"value": 4, "unit": "parcels"}, value) == "4"


def test_a_province_row_reads_its_short_name_or_says_it_is_unknown():
    assert province_label("44") == "广东"
    assert province_label(None) == "(unknown)"
    assert province_label("99") == "99"
