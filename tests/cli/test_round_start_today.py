"""`hub round start R`: a round is started on its own service day, the hub's today; a
round of another day is refused in one sentence naming its day and today."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta


def plan(hub, *args: str) -> str:
    planned = hub("plan", "--time-limit", "0.3", "--vans", "VAN1", "--json", *args)
    assert planned.exit_code == 0, planned.output
    return json.loads(planned.output)["rounds"][0]["round_no"]


def listed(hub, round_no: str, *args: str) -> dict:
    rows = json.loads(hub("round", "list", "--json", *args).output)
    return next(row for row in rows if row["round_no"] == round_no)


def test_tomorrows_round_is_not_started_today(make_parcel, hub):
    make_parcel("registered", station="GD05", weight_g=2000)
    inbound = make_parcel("arrived_hub", station="GD05", weight_g=500)
    round_no = plan(hub, "--date", "tomorrow")
    today = date.fromisoformat(os.environ["HUB_NOW"][:10])  # the suite's clock

    result = hub("round", "start", round_no)

    assert result.exit_code != 0, result.output
    out = " ".join(result.output.split())
    assert f"Round {round_no} is for {today + timedelta(days=1)}, and today is {today}" in out
    assert listed(hub, round_no)["status"] == "planned"
    shown = json.loads(hub("parcel", "show", inbound.parcel_no, "--json").output)
    assert shown["status"] == "arrived_hub"  # not dispatched


def test_a_round_of_a_day_gone_by_is_not_started(make_parcel, hub, monkeypatch):
    make_parcel("registered", station="GD05", weight_g=2000)
    round_no = plan(hub)
    day = date.fromisoformat(listed(hub, round_no)["service_date"])
    monkeypatch.setenv("HUB_NOW", f"{day + timedelta(days=1)}T07:00:00")

    result = hub("round", "start", round_no)

    assert result.exit_code != 0, result.output
    out = " ".join(result.output.split())
    assert f"Round {round_no} is for {day}, and today is {day + timedelta(days=1)}" in out
    assert listed(hub, round_no)["status"] == "planned"


def test_todays_round_starts(make_parcel, hub):
    make_parcel("registered", station="GD05", weight_g=2000)
    round_no = plan(hub)
    result = hub("round", "start", round_no)
    assert result.exit_code == 0, result.output
    assert f"Round {round_no} started" in result.output
    assert listed(hub, round_no)["status"] == "started"
