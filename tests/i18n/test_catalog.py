"""The Chinese catalog keeps up with the code: every sentence translated, placeholders
kept, the template and the compiled catalog in step (what `i18n_catalog check` says)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytest.importorskip("babel")

from logistics import i18n_catalog  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def test_catalog_is_complete_and_in_step_with_the_code():
    found = i18n_catalog.problems()
    assert found == [], "\n".join(found[:40])


def test_placeholders_are_compared_by_name():
    assert i18n_catalog.placeholders("Parcel {parcel} is {state}.") == ["{parcel}", "{state}"]
    assert i18n_catalog.placeholders("包裹 {parcel} {state}") == ["{parcel}", "{state}"]
    assert i18n_catalog.placeholders("包裹 {parcel}") != ["{parcel}", "{state}"]


def test_translated_calls_hold_literal_sentences():
    """`_(f"...")` cannot be in the catalog: the sentence must be a literal, filled by format
    (or a name holding an N_() constant, translated where it is shown)."""
    offenders = []
    for path in sorted((ROOT / "logistics").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None)
            if name in ("_", "N_", "ngettext"):
                first = node.args[0]
                if isinstance(first, ast.JoinedStr | ast.BinOp | ast.Call) or (
                    name != "_" and not isinstance(first, ast.Constant)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
