"""The erasure ledger kept outside the database (a restored backup resurrects no one)."""

from __future__ import annotations

from datetime import UTC, datetime

from charte.adapters.erasure_ledger import FileErasureLedger


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def test_the_ledger_reads_back_records_from_a_moment_on_across_month_files(tmp_path):
    """GDPR Art. 5(1)(e): every erasure since the backup is found, none before it."""
    ledger = FileErasureLedger(tmp_path)
    for month, day in ((9, 30), (10, 2), (10, 20), (11, 3)):
        ledger.write({"at": at(month, day), "tombstones": [[f"h{month}-{day}", "person", "2026-01-01"]]})
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "erasures-2026-09.jsonl", "erasures-2026-10.jsonl", "erasures-2026-11.jsonl"]  # fmt: skip
    found = [r["tombstones"][0][0] for r in ledger.since(at(10, 2))]
    assert found == ["h10-2", "h10-20", "h11-3"]


def test_a_line_cut_by_a_crash_is_skipped_and_counted_never_misread(tmp_path):
    """A record is whole or absent: a torn last line is not an erasure."""
    ledger = FileErasureLedger(tmp_path)
    ledger.write({"at": at(11, 1), "units": []})
    with (tmp_path / "erasures-2026-11.jsonl").open("a") as f:
        f.write('{"at": "2026-11-02T10:00:00+00:00", "units": [{"per')
    assert [r["at"] for r in ledger.since(at(1, 1))] == [at(11, 1)]
    assert ledger.torn == 1
