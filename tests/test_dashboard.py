"""The dashboard's comparison with the previous snapshot, on the planted trust (tests/data/planted): in the later
snapshot Damson Primary (D, isolated) gains a collaboration with Ash Primary, and Cedar's only tie to another school
(a1-c1) is gone, so Cedar becomes isolated. A leader should read: one school reconnected, one newly isolated."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from netmap.ingest.validate import read_trust
from netmap.kept_analysis import analysis_of
from netmap.store import SQLiteStore
from tests.trusts import PLANTED, planted_dataset
from tests.web_helpers import NO_STABILITY, login, make_app


def test_the_dashboard_says_what_changed_since_the_previous_snapshot(tmp_path: Path) -> None:
    app = make_app(tmp_path / "web", planted_dataset())  # 2026-07-01
    client, ceo = app.test_client(), app.test_client()
    login(client, "admin", purpose=None)
    login(ceo, "ceo", purpose=None)
    assert "Since the previous snapshot" not in client.get("/").get_data(as_text=True)  # the first has none

    later = tmp_path / "later"
    shutil.copytree(PLANTED, later)
    ties = later / "collaborations.csv"
    ties.write_text(ties.read_text().replace("a1,c1,peer-review\n", "") + "d1,a1,advice\n")
    with SQLiteStore(tmp_path / "web" / "store.db") as store:
        analysis_of(store, store.write_snapshot(read_trust(later)[0], "2026-12-01", source="test").snapshot,
                    NO_STABILITY)

    page = client.get("/").get_data(as_text=True)
    assert "Since the previous snapshot (2026-07-01)" in page
    rows = {cells[0]: cells[1:] for cells in (re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in
                                              page.split('<table class="data change">')[1].split("</table>")[0]
                                              .split("<tr>")[2:])}
    assert rows["Isolated schools"] == ["1", "1", "no change"]  # one in, one out: the names say which
    assert rows["Collaborations"] == ["10", "10", "no change"]
    assert "Newly isolated: Cedar Primary." in page and "No longer isolated: Damson Primary." in page
    # every planted school has fewer than 5 staff: a CEO is told neither which nor how many became isolated
    aggregate = ceo.get("/").get_data(as_text=True).split("Since the previous snapshot", 1)[1]
    assert "Cedar Primary" not in aggregate and "Damson Primary" not in aggregate
    assert "<td>Isolated schools (small schools not counted)</td><td>0</td><td>0</td>" in aggregate
    earlier = client.get("/?snapshot=2026-07-01").get_data(as_text=True)
    assert "Since the previous snapshot" not in earlier  # the comparison is always with the one before


def test_a_change_is_judged_better_or_worse_in_words(tmp_path: Path) -> None:
    from webapp.dashboard import _direction

    assert _direction(3, 1, "count", False) == "down 2 (better)"
    assert _direction(0.25, 0.30, "share", False) == "up 5.0 points (worse)"
    assert _direction(100, 140, "count", None) == "up 40"
    assert _direction(0.25, 0.2501, "share", True) == "no change"
