"""The demo catalogue (local_db/demo/procedures.json) against the domain CSV and the core rules."""

import csv
import json
import re
import unicodedata
from pathlib import Path

import pytest

from core.due_date import ProcessingTime
from core.fees import FeeInput, FeeRule, compute_fee

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "local_db" / "demo" / "procedures.json"
# The domain reference sits beside the repository (../shared), as it does in CI.
DOMAIN_CSV = Path(__file__).resolve().parents[3] / "shared" / "domain" / "procedures.csv"
PREFIX = {"HT": "A", "CT": "B", "KD": "C", "XH": "D"}


@pytest.fixture(scope="module")
def procedures():
    return json.loads(CATALOG.read_text(encoding="utf-8"))


def test_twenty_unique_procedures(procedures):
    assert len(procedures) == 20
    assert len({p["code"] for p in procedures}) == 20


def test_codes_and_services(procedures):
    for p in procedures:
        assert re.fullmatch(r"\d\.\d{6}", p["code"]), p["code"]
        assert p["service_code"] in PREFIX
        assert p["ticket_prefix"] == PREFIX[p["service_code"]]
        assert p["service"]["code"] == p["service_code"]
        assert p["service"]["ticket_prefix"] == p["ticket_prefix"]
        assert 2 <= p["online_level"] <= 4


def test_all_text_is_nfc(procedures):
    def walk(value):
        if isinstance(value, str):
            assert unicodedata.is_normalized("NFC", value), value
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(procedures)


def test_every_rule_parses_and_computes(procedures):
    for p in procedures:
        processing = ProcessingTime.from_dict(p["processing"])
        assert ProcessingTime.from_dict(processing.to_dict()) == processing
        assert processing.describe_vi() and processing.describe_en()
        rule = FeeRule.from_dict(p["fee"])
        assert FeeRule.from_dict(rule.to_dict()) == rule
        quote = compute_fee(rule, FeeInput(copies=2, pages=3, days_since_event=100))
        assert quote.amount_vnd >= 0 and quote.lines
        for v in rule.variants:
            assert compute_fee(rule, FeeInput(variant=v.key)).amount_vnd == v.amount_vnd


def test_documents(procedures):
    for p in procedures:
        assert p["documents"], p["code"]
        assert any(d["required"] for d in p["documents"])
        for d in p["documents"]:
            assert d["name"] and isinstance(d["required"], bool)
            assert "nếu có" not in d["name"]


def by_code(procedures):
    return {p["code"]: p for p in procedures}


def test_known_rules(procedures):
    cat = by_code(procedures)
    fee = lambda code, **kw: compute_fee(FeeRule.from_dict(cat[code]["fee"]), FeeInput(**kw)).amount_vnd  # noqa: E731
    assert fee("2.000815", pages=3) == 5000
    assert fee("2.000815", pages=400) == 200000
    assert fee("1.001193", days_since_event=60) == 0
    assert fee("1.001193", days_since_event=61) == 5000
    assert fee("1.004859", variant="under_14") == 5000
    assert fee("1.001612", variant="online") == 0
    assert fee("2.000635", copies=2) == 16000
    assert ProcessingTime.from_dict(cat["1.000894"]["processing"]) == ProcessingTime("same_day", 0, 5)
    assert ProcessingTime.from_dict(cat["1.001022"]["processing"]) == ProcessingTime("working_days", 3, 5)
    assert ProcessingTime.from_dict(cat["1.001699"]["processing"]) == ProcessingTime("working_days", 25)
    assert [d["required"] for d in cat["1.004873"]["documents"]] == [True, True, False]


@pytest.mark.skipif(not DOMAIN_CSV.exists(), reason="domain reference not mounted")
def test_matches_the_domain_csv(procedures):
    cat = by_code(procedures)
    with DOMAIN_CSV.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["code"] for r in rows] == [p["code"] for p in procedures]
    for row in rows:
        p = cat[row["code"]]
        assert (p["name_vi"], p["name_en"], p["field_vi"], p["fee_note"]) == (
            unicodedata.normalize("NFC", row["name_vi"]),
            row["name_en"],
            row["field"],
            row["fee_note"],
        )
        names = [d["name"] + ("" if d["required"] else " (nếu có)") for d in p["documents"]]
        assert names == row["documents"].split(";")
        rule = FeeRule.from_dict(p["fee"])
        if rule.free_within_days is None:
            first_amount = rule.tiers[0][1] if rule.kind == "per_page" else rule.amount_vnd
            assert first_amount == int(row["fee_vnd"]), row["code"]
        else:
            assert compute_fee(rule, FeeInput(days_since_event=0)).amount_vnd == int(row["fee_vnd"])
