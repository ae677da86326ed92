"""Export formats: JSON-safe records and a spreadsheet-safe CSV."""

import csv
import io

from bot.leads.records import EXPORT_FIELDS, format_items, to_csv


def _record(**overrides):
    record = {name: None for name in EXPORT_FIELDS}
    record.update(reference="FM-2026-000001", status="new", buyer_type="reseller", items=[])
    record.update(overrides)
    return record


def test_items_are_flattened():
    items = [
        {"product": "foot_roller", "quantity": 20},
        {"product": "deep_calf_massager", "quantity": 5},
    ]
    assert format_items(items) == "foot_roller x20; deep_calf_massager x5"


def test_csv_has_header_and_one_row_per_lead():
    text = to_csv([_record(items=[{"product": "foot_roller", "quantity": 2}], notes='a,"b"\nc')])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert rows[0]["items"] == "foot_roller x2" and rows[0]["notes"] == 'a,"b"\nc'


def test_csv_defuses_formulas_but_keeps_phone_numbers():
    text = to_csv(
        [
            _record(
                budget='=HYPERLINK("http://x")',
                name="@SUM(A1)",
                phone="+44 20 7946 0000",
                notes="-5",
            )
        ]
    )
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["budget"].startswith("'=") and row["name"] == "'@SUM(A1)"
    assert row["phone"] == "+44 20 7946 0000" and row["notes"] == "-5"
