"""bench/faults.py's report: one line per scenario under the header, columns aligned, a missing value left blank."""

from __future__ import annotations

from bench.faults import COLUMNS, table
from tests.cluster.faults import Outcome


def test_the_table_has_a_row_per_scenario_in_aligned_columns():
    rows = [
        Outcome("kill -9 apache2 on web-1", 81, 0, 3.8, {"bound on failures": 30}).row(),
        Outcome("db frozen 30 s, web-2 saturated", 205, 82, 0.8, {"nodes taken out": {}}).row(),
    ]
    lines = table(rows).splitlines()
    assert lines[0].split() == [word for column in COLUMNS for word in column.split()]
    assert len(lines) == 3
    starts = [lines[0].index(column) for column in COLUMNS]
    assert lines[1][starts[1] :].split()[:3] == ["81", "0", "3.8"]
    assert lines[2][starts[1] :].split() == ["205", "82", "0.8", "{}"]
