"""Simulated: the sample series' response rates round by round without and with the respondents' network profile
(netmap.sample.rounds: RoundModel.profile_uplift, PROFILE_UPLIFT assumed). Every figure is from the simulation's
stated assumptions, not from any trust: it shows what the stated effect would do to the next rounds, no more.

    python -m benchmarks.profile_response [--out benchmarks/results/DATE-profile-response.json]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import pandas as pd

from netmap.sample.generator import SAMPLE_TRUST, TERM_ENDS, generate_sample
from netmap.sample.rounds import PROFILE_UPLIFT, RoundModel, response_rates, simulate_rounds
from netmap.sample.series import term_tables


def measure() -> dict[str, object]:
    """The rates of each round of the 2,000-staff sample's year, without and with the profile."""
    with tempfile.TemporaryDirectory(prefix="netmap-profile-") as folder:
        generate_sample(Path(folder), schools=SAMPLE_TRUST["schools"], staff=SAMPLE_TRUST["staff"],
                        seed=SAMPLE_TRUST["seed"])
        tables = {name: pd.read_csv(Path(folder) / f"{name}.csv", dtype=str, keep_default_na=False).replace("", None)
                  for name in ("schools", "staff", "groups", "memberships", "collaborations", "secondments")}
    staff = {as_of: term_tables(tables, as_of)["staff"] for as_of in TERM_ENDS}
    runs = {label: response_rates(simulate_rounds(tables["collaborations"], staff, RoundModel(profile_uplift=uplift)))
            for label, uplift in (("without profile", 0.0), ("with profile", PROFILE_UPLIFT))}
    return {"simulated": True, "assumed_uplift": PROFILE_UPLIFT, "base_response_rate": RoundModel().response_rate,
            "sample": SAMPLE_TRUST, "rates": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    result = measure()
    text = json.dumps(result, indent=2)
    print(text)
    out = parser.parse_args().out
    if out:
        out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
