"""A planted payment incident found by segmenting by week and diffing two weeks, ranked by evidence."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient
from scipy.stats import chi2_contingency

from journeymap.files import load_journey
from journeymap.ingest.diff import diff_journeys
from tests.api.conftest import EDITOR, VIEWER, client, make_client  # noqa: F401 (fixtures)
from tests.test_cli_journeys import run

# per week: customers reaching payment, and how many of them buy (31.7 % -> 10.0 %)
PAYMENTS = {"w1": (600, 190), "w2": (600, 120), "w3": (600, 60)}
# a rare side route whose share moves a lot on a handful of customers
HELP = {"w1": (2, 2), "w2": (2, 1), "w3": (3, 1)}
MAPPING = {
    "columns": {"customer": "cust", "touchpoint": "event", "time": "ts", "segment": "week"},
    "time_format": "epoch_s",
    "stages": [{"id": "shop", "name": "Shop", "phase": "sale"}],
    "touchpoints": {t: {"id": t, "stage": "shop"} for t in ("view", "cart", "payment", "help")},
    "outcomes": {"buy": {"id": "purchase", "kind": "success"}},
    "default_outcome": {"id": "lost", "kind": "failure"},
    "segments": {"min_customers": 5},
}


def incident_log(path: Path) -> pd.DataFrame:
    rng = random.Random(11)
    rows = []
    for week, (payers, buyers) in PAYMENTS.items():
        helped, helped_buy = HELP[week]
        walks = [["view", "cart", "payment", "buy"]] * buyers + [["view", "cart", "payment"]] * (
            payers - buyers
        )
        walks += [["view", "help", "buy"]] * helped_buy + [["view", "help"]] * (helped - helped_buy)
        for walk in walks:
            cust, start = f"{week}-{len(rows)}", rng.randrange(10**6)
            rows += [
                {"cust": cust, "event": e, "ts": start + 60 * i, "week": week} for i, e in enumerate(walk)
            ]
    frame = pd.DataFrame(rows).sample(frac=1, random_state=3)
    frame.to_csv(path, index=False)
    return frame


def oracle_counts(df: pd.DataFrame, week: str, source: str, target: str) -> tuple[int, int]:
    """Customers of ``week`` going source -> target (the next event, or none: lost) and leaving source."""
    d = df[df["week"] == week].sort_values(["cust", "ts"])
    nxt = d.groupby("cust")["event"].shift(-1).fillna("lost").replace({"buy": "purchase"})
    leaving = d["event"] == source
    return int((leaving & (nxt == target)).sum()), int(leaving.sum())


def ingest_weeks(tmp_path: Path) -> Path:
    """``journeymap ingest`` of ``log.csv`` by week into a folder (one journey file per week)."""
    (tmp_path / "m.json").write_text(json.dumps(MAPPING))
    out = tmp_path / "weeks"
    args = ["-m", str(tmp_path / "m.json"), "--id", "shop", "-o", str(out)]
    made = run("ingest", str(tmp_path / "log.csv"), *args, store=tmp_path / "db")
    assert made.returncode == 0, made.stderr
    return out


def test_the_payment_incident_tops_the_diff_of_two_weeks(tmp_path: Path) -> None:
    df = incident_log(tmp_path / "log.csv")
    out = ingest_weeks(tmp_path)
    a, b = out / "shop--w1.yaml", out / "shop--w3.yaml"
    result = run("diff", str(a), str(b), "--json", store=tmp_path / "db")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["a"], doc["b"]) == ("shop--w1", "shop--w3")
    first_two = {(r["from"], r["to"], r["group"]) for r in doc["transitions"][:2]}
    assert first_two == {("payment", "purchase", "tested"), ("payment", "lost", "tested")}  # the same test
    [top] = [r for r in doc["transitions"][:2] if r["to"] == "purchase"]
    x_a, n_a = oracle_counts(df, "w1", "payment", "purchase")
    x_b, n_b = oracle_counts(df, "w3", "payment", "purchase")
    assert (x_a, n_a, x_b, n_b) == (190, 600, 60, 600)
    assert (top["a"]["customers"], top["a"]["leaving"], top["b"]["customers"], top["b"]["leaving"]) == (
        x_a,
        n_a,
        x_b,
        n_b,
    )
    chi2, p_value, _, _ = chi2_contingency([[x_a, n_a - x_a], [x_b, n_b - x_b]], correction=False)
    assert abs(top["z"] ** 2 - chi2) < 1e-3 and abs(top["p_value"] - p_value) <= 1e-4 * p_value
    rare = next(r for r in doc["transitions"] if (r["from"], r["to"]) == ("help", "purchase"))
    assert abs(rare["delta"]) > abs(top["delta"]) and rare["group"] == "few"  # bigger move, 2-3 customers
    groups = [r["group"] for r in doc["transitions"]]
    assert groups.index("few") > max(i for i, g in enumerate(groups) if g == "tested")
    text = run("diff", str(a), str(b), store=tmp_path / "db")
    assert text.returncode == 0, text.stderr
    assert "shop--w3 compared with shop--w1" in text.stdout
    first_row = next(line for line in text.stdout.splitlines() if "payment" in line and "purchase" in line)
    assert "31.7% (190 of 600)" in first_row and "10.0% (60 of 600)" in first_row
    assert text.stdout.index("payment") < text.stdout.index("too few")


def test_diff_over_http_equals_the_library(tmp_path: Path, client: TestClient) -> None:  # noqa: F811
    incident_log(tmp_path / "log.csv")
    out = ingest_weeks(tmp_path)
    for week in ("w1", "w2"):
        document = json.loads(
            json.dumps(
                load_journey(out / f"shop--{week}.yaml").model_dump(
                    mode="json", by_alias=True, exclude_none=True
                )
            )
        )
        assert client.put(f"/journeys/shop--{week}", json=document, headers=EDITOR).status_code in (200, 201)
    answer = client.get("/journeys/shop--w1/diff/shop--w2?top=5", headers=VIEWER)
    assert answer.status_code == 200, answer.text
    expected = diff_journeys(load_journey(out / "shop--w1.yaml"), load_journey(out / "shop--w2.yaml"), top=5)
    assert answer.json() == json.loads(json.dumps(expected))
    missing = client.get("/journeys/shop--w1/diff/shop--w9", headers=VIEWER)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith(
        "application/problem+json"
    )
