"""The benchmark's comparison with the previous run: what it flags on the same machine and on another one."""

import pytest

from bench import report

PREVIOUS = {"date": "2026-11-23 19:44", "commit": "abc1234", "database": "sqlite", "scale": "1.0"}


@pytest.fixture
def results(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "RESULTS", tmp_path)
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "2026-11-23T1944-abc1234.md").write_text("## Machine\n\n- Processeur : AMD EPYC (2 cœurs logiques)\n")
    return tmp_path


def history(floor_rps, plan_rps, plan_queries=23):
    return {
        ("sqlite", 1.0, "floor"): {**PREVIOUS, "key": "floor", "queries": "1", "rps": str(floor_rps)},
        ("sqlite", 1.0, "plan"): {**PREVIOUS, "key": "plan", "queries": str(plan_queries), "rps": str(plan_rps)},
    }


def configs(floor_rps, plan_rps, plan_queries=23):
    rows = [
        {"key": "floor", "label": "Plancher : /healthz", "queries": 1, "rps": floor_rps},
        {"key": "plan", "label": "Plan d’action (coordinatrice)", "queries": plan_queries, "rps": plan_rps},
    ]
    return [{"database": "sqlite", "scale": 1.0, "endpoints": rows}]


def plan_line(table):
    return next(line for line in table.splitlines() if line.startswith("| SQLite | 1 | Plan d’action"))


def test_same_machine_flags_a_throughput_drop(results):
    table = report.comparison_table(configs(1000, 8), history(1000, 10), {"Processeur": "AMD EPYC (2 cœurs logiques)"})
    assert "Machine différente" not in table
    assert plan_line(table) == "| SQLite | 1 | Plan d’action (coordinatrice) | 10,0 | 8,0 | -20% ⚠ | 100,0 | 125,0 | 23 → 23 |"


def test_other_machine_compares_the_cost_to_the_floor_not_the_throughput(results):
    slower_machine = {"Processeur": "Intel(R) Xeon(R) Processor (2 cœurs logiques)"}
    table = report.comparison_table(configs(500, 5), history(1000, 10), slower_machine)
    assert "Machine différente (avant : AMD EPYC (2 cœurs logiques) ; maintenant : Intel(R) Xeon(R)" in table
    assert plan_line(table) == "| SQLite | 1 | Plan d’action (coordinatrice) | 10,0 | 5,0 | -50% | 100,0 | 100,0 | 23 → 23 |"


def test_other_machine_still_flags_a_cost_rise_or_more_queries(results):
    machine = {"Processeur": "Intel(R) Xeon(R) Processor (2 cœurs logiques)"}
    costlier = report.comparison_table(configs(2000, 12), history(1000, 10), machine)
    assert plan_line(costlier).endswith("| +20% ⚠ | 100,0 | 166,7 | 23 → 23 |")
    more_queries = report.comparison_table(configs(1000, 10, plan_queries=24), history(1000, 10), machine)
    assert plan_line(more_queries).endswith("| +0% ⚠ | 100,0 | 100,0 | 23 → 24 |")
