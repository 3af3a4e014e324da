"""bench/record.py writes a benchmark's report with its commit; bench/stale.py names the
tables whose code changed after that commit (checked in a throwaway git repository)."""
from __future__ import annotations

import importlib.util
import pathlib
import subprocess

import pytest

BENCH = pathlib.Path(__file__).resolve().parents[2] / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


record = _load("record")
stale = _load("stale")


def test_record_adds_then_replaces_one_section():
    text = "# Benchmark results\n"
    once = record.record("find_time", "median 300 ms", "python bench/find_time.py", text,
                         "2026-12-07 10:00 UTC", "abc1234")
    assert record.SECTION in once and "median 300 ms" in once and "commit=abc1234" in once
    twice = record.record("find_time", "median 120 ms", "python bench/find_time.py", once,
                          "2026-12-08 10:00 UTC", "def5678")
    assert "median 300 ms" not in twice and "median 120 ms" in twice
    assert twice.count("<!-- bench:find_time ") == 1 and twice.count(record.SECTION) == 1
    other = record.record("ack_load", "p99 40 ms", "python bench/ack_load.py", twice, "2026-12-08 11:00 UTC", "def5678")
    assert [(label, n) for label, n, _ in stale.tables(other) if n] == [("find_time", "find_time"),
                                                                       ("ack_load", "ack_load")]


def _git(repo: pathlib.Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.email=t@t", "-c", "user.name=t", *args], cwd=repo,
                          capture_output=True, text=True, check=True).stdout.strip()


def test_stale_names_tables_older_than_their_code(tmp_path, monkeypatch, capsys):
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.skip("git is not installed")
    repo = tmp_path
    (repo / "bench").mkdir()
    (repo / "intents").mkdir()
    (repo / "bot").mkdir()
    (repo / "intents" / "a.py").write_text("x = 1\n")
    (repo / "bot" / "b.py").write_text("y = 1\n")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "first")
    sha = _git(repo, "rev-parse", "--short", "HEAD")
    results = repo / "bench" / "RESULTS.md"
    text = record.record("intents_speed", "median 0.07 ms", "python bench/intents_speed.py", "# R\n", "now", sha)
    text = record.record("ack_load", "p99 20 ms", "python bench/ack_load.py", text, "now", sha)
    results.write_text(text)
    monkeypatch.setattr(stale, "ROOT", str(repo))
    monkeypatch.setattr(stale, "RESULTS", str(results))

    stale.main()
    assert "every recorded table is current" in capsys.readouterr().out

    (repo / "intents" / "a.py").write_text("x = 2\n")   # the parser changed, the ack path did not
    _git(repo, "commit", "-qam", "parser: faster")
    assert stale.main() == 0                              # a warning, never a failure
    out = capsys.readouterr().out
    assert "intents_speed" in out and "parser: faster" in out
    assert "ack_load" not in out and "1 stale table" in out
