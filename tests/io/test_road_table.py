"""The road table: read once, both ways, and never written over by the same command."""

from __future__ import annotations

import pytest

from logistics.errors import InvalidInput
from logistics.io import files
from logistics.io.road_table import read_matrix


def test_a_pair_given_one_way_serves_both_ways(tmp_path):
    table = tmp_path / "roads.csv"
    table.write_text(
        "from,to,km,minutes\nHUB,GD05,10.0,20\nHUB,GD06,12.5\n# closed for works\nGD06,GD05,7,15\n",
        encoding="utf-8",
    )
    metres, seconds = read_matrix(table, ["HUB", "GD05", "GD06"], 30.0, known=["GD01"])
    assert metres.tolist() == [[0, 10_000, 12_500], [10_000, 0, 7_000], [12_500, 7_000, 0]]
    assert seconds[0, 1] == seconds[1, 0] == 20 * 60
    assert seconds[0, 2] == 25 * 60  # 12.5 km at 30 km/h


def test_the_road_table_is_protected_from_writes_once_read(tmp_path):
    table = tmp_path / "roads.csv"
    table.write_text("HUB,GD05,10\n", encoding="utf-8")
    read_matrix(table, ["HUB", "GD05"], 30.0)
    with pytest.raises(InvalidInput, match="input of this command"):
        files.write_file(table, lambda path: path.write_text("x"), force=True)


def test_a_missing_road_table_is_one_sentence(tmp_path):
    with pytest.raises(InvalidInput, match="does not exist: expected a CSV file"):
        read_matrix(tmp_path / "none.csv", ["HUB", "GD05"], 30.0)
