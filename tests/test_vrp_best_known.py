"""The benchmark's table of best-known VRP values (benchmarks/best_known.csv)."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = ROOT.parent / "shared" / "bench" / "instances"

pytest.importorskip("vrplib")
sys.path.insert(0, str(ROOT / "benchmarks"))
import vrp_quality  # noqa: E402


def test_every_row_has_a_value_a_source_and_an_objective():
    table = vrp_quality.best_known_table()
    assert table
    for name, row in table.items():
        assert row.value > 0, name
        assert row.source.strip(), name
        assert row.objective in ("distance", "vans then distance"), name
        assert row.year == "" or 1960 < int(row.year) < 2100, name
    # A comment line that is decades old does not stand in for the value.
    assert table["M-n151-k12"].value == 1015


@pytest.mark.skipif(not INSTANCES.is_dir(), reason="the shared instances are not here")
def test_every_shared_instance_has_a_best_known_value():
    table = vrp_quality.best_known_table()
    files = [p for p in INSTANCES.glob("*/*") if p.suffix in (".vrp", ".txt")]
    assert files
    missing = [p.name for p in files if p.stem not in table]
    assert missing == []
    for path in files:
        if path.suffix == ".vrp":
            best, source = vrp_quality.best_known_for(path, table)
            assert best == table[path.stem].value and source.startswith("best_known.csv")
        sol = path.with_suffix(".sol")
        if sol.exists():  # the table agrees with the solution files that come with them
            assert vrp_quality.vrplib.read_solution(str(sol))["cost"] == table[path.stem].value


def test_an_instance_without_a_value_is_named_and_gets_no_gap(tmp_path):
    path = tmp_path / "Z-n3-k1.vrp"
    path.write_text(
        "NAME : Z-n3-k1\nCOMMENT : (Best value: 7)\nTYPE : CVRP\nDIMENSION : 3\n"
        "EDGE_WEIGHT_TYPE : EUC_2D\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 0 1\n"
        "DEMAND_SECTION\n1 0\n2 1\n3 1\nDEPOT_SECTION\n1\n-1\nEOF\n"
    )
    inst = vrp_quality.read_instance(path)
    assert inst.best_known is None
    assert "no best-known value for Z-n3-k1" in inst.best_from
    assert inst.comment_says == "7"
