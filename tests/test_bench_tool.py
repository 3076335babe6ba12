"""The benchmark as a tool: datasets kept under a key of what makes them, focused runs, the floor's drift."""

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from bench import datasets, endpoints, report, run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tree(tmp_path):
    """A copy of the files a dataset is made of, to change one and see the key change."""
    for path in datasets.source_files(ROOT):
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return tmp_path


def test_the_dataset_key_changes_with_what_makes_the_dataset(tree):
    key = datasets.dataset_key(seed=2020, scale=10, root=tree)
    assert key == datasets.dataset_key(seed=2020, scale=10, root=tree)  # the same files, the same key
    assert key == datasets.dataset_key(seed=2020, scale=10.0, root=tree)
    assert datasets.dataset_key(seed=2021, scale=10, root=tree) != key
    assert datasets.dataset_key(seed=2020, scale=1, root=tree) != key
    migration = tree / "mobilisation" / "accounts" / "migrations" / "0099_new_field.py"
    migration.write_text("from django.db import migrations\n", encoding="utf-8")
    with_migration = datasets.dataset_key(seed=2020, scale=10, root=tree)
    assert with_migration != key  # a new migration
    migration.write_text("from django.db import migrations  # changed\n", encoding="utf-8")
    assert datasets.dataset_key(seed=2020, scale=10, root=tree) not in {key, with_migration}  # a changed migration
    migration.unlink()
    assert datasets.dataset_key(seed=2020, scale=10, root=tree) == key
    generator = tree / "bench" / "dataset" / "people.py"
    generator.write_text(generator.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert datasets.dataset_key(seed=2020, scale=10, root=tree) != key  # the generator's code
    (tree / "README.md").write_text("nothing to do with the data", encoding="utf-8")
    generator.write_text(generator.read_text(encoding="utf-8").replace("\n# changed\n", ""), encoding="utf-8")
    assert datasets.dataset_key(seed=2020, scale=10, root=tree) == key  # a file the dataset is not made of


def test_the_key_covers_migrations_reference_data_and_the_generator():
    files = {path.relative_to(ROOT).as_posix() for path in datasets.source_files(ROOT)}
    assert "mobilisation/accounts/migrations/0012_user_search_name.py" in files
    assert "bench/dataset/people.py" in files and "bench/generate.py" in files
    assert any(name.startswith("data/") for name in files)
    assert not any("__pycache__" in name for name in files)


def sqlite_tally(url, rows):
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE person (name TEXT)")
        connection.executemany("INSERT INTO person VALUES (?)", [(f"n{i}",) for i in range(rows)])
    connection.close()
    return {"rows": rows, "seconds": 0.1, "tables": {"person": rows}}


def test_a_sqlite_dataset_is_written_once_then_copied(tmp_path, monkeypatch):
    store = datasets.SqliteStore(tmp_path / "kept")
    writes = []

    def write(url):
        writes.append(url)
        return sqlite_tally(url, 3)

    target = tmp_path / "run" / "bench.sqlite3"
    url, first = datasets.prepare(store, scale=0.1, seed=1, target=target, fresh=False, write=write)
    assert not first.reused and len(writes) == 1 and first.info["rows"] == 3
    with sqlite3.connect(target) as connection:
        connection.execute("INSERT INTO person VALUES ('written by the run')")  # a run writes into its copy…
    connection.close()
    url, second = datasets.prepare(store, scale=0.1, seed=1, target=target, fresh=False, write=write)
    assert second.reused and len(writes) == 1 and second.key == first.key
    with sqlite3.connect(target) as connection:
        assert connection.execute("SELECT count(*) FROM person").fetchone() == (3,)  # …never into the kept dataset
    connection.close()
    _url, forced = datasets.prepare(store, scale=0.1, seed=1, target=target, fresh=True, write=write)
    assert not forced.reused and len(writes) == 2
    assert [p.name for p in (tmp_path / "kept").iterdir() if p.suffix == ".part"] == []


def test_an_interrupted_write_leaves_no_dataset(tmp_path):
    store = datasets.SqliteStore(tmp_path / "kept")

    def broken(url):
        sqlite_tally(url, 2)
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        datasets.prepare(store, scale=1, seed=1, target=tmp_path / "run.sqlite3", fresh=False, write=broken)
    assert not store.exists(1, datasets.dataset_key(seed=1, scale=1))
    assert store.kept(1) == {}


def test_only_the_last_two_keys_are_kept(tmp_path):
    store = datasets.SqliteStore(tmp_path)
    for number, written_at in enumerate(["2026-12-01 10:00:00", "2026-12-03 10:00:00", "2026-12-02 10:00:00"]):
        path = store.path(10, f"key{number}")
        path.write_bytes(b"")
        path.with_suffix(".json").write_text(json.dumps({"written_at": written_at}), encoding="utf-8")
    store.path(1, "other").write_bytes(b"")  # another scale: not this one's to prune
    store.path(1, "other").with_suffix(".json").write_text("{}", encoding="utf-8")
    (tmp_path / "sqlite-s10-interrupted.part").write_bytes(b"")  # an interrupted write of another key
    assert store.prune(10, "key1") == ["sqlite-s10-interrupted.part", "sqlite-s10-key0.sqlite3"]
    assert sorted(p.name for p in tmp_path.glob("*.sqlite3")) == [
        "sqlite-s1-other.sqlite3",
        "sqlite-s10-key1.sqlite3",
        "sqlite-s10-key2.sqlite3",
    ]


def test_only_names_pages_groups_and_measures():
    chosen, measures = endpoints.select(["personnes", "api"])
    assert [e.key for e in chosen] == ["floor", "people", "api_actions"]  # in the order of bench/endpoints.py
    assert measures == set()
    ops, _ = endpoints.select(["ops"])
    groups = {e.group for e in ops if e.key != "floor"}
    assert groups == {"registre", "entraide", "numero-vert"} and ops[0].key == "floor"
    single, measures = endpoints.select(["hotline_log", "import"])
    assert [e.key for e in single] == ["floor", "hotline_log"] and measures == {"import"}
    with pytest.raises(ValueError, match="Inconnu : personne"):
        endpoints.select(["personne"])
    every_group = {e.group for e in endpoints.ENDPOINTS if e.key != "floor"}
    assert every_group == set(endpoints.GROUPS)  # every page belongs to a group --only can name


def test_a_focused_run_is_never_the_complete_one():
    focused = run.parse(["--only", "personnes,api", "--databases", "postgresql", "--scales", "10"])
    assert [e.key for e in focused.endpoints][0] == "floor" and len(focused.endpoints) == 3
    assert focused.measures == set() and not focused.complete
    assert run.parse([]).complete and run.parse([]).measures == {"ecritures", "import"}
    assert not run.parse(["--databases", "postgresql"]).complete  # a subset writes under var/bench
    assert not run.parse(["--no-import"]).complete
    assert not run.parse(["--smoke"]).complete
    with pytest.raises(SystemExit):
        run.parse(["--only", "nimporte"])


def floor_row(rps):
    return {
        "key": "floor",
        "label": "Plancher : /healthz",
        "queries": 1,
        "rps": rps,
        "p50_ms": 5.0,
        "p95_ms": 10.0,
        "p99_ms": 12.0,
        "kbytes": 0,
    }


def test_the_report_gives_both_floors_and_flags_a_drift():
    steady = {"database": "postgresql", "scale": 10.0, "endpoints": [floor_row(1000.0)], "floor_end": floor_row(1100.0)}
    assert report.floor_rps(steady) == 1050.0
    assert "écart +10%" in report.floor_line(steady) and "⚠" not in report.floor_line(steady)
    moved = {**steady, "floor_end": floor_row(800.0)}
    assert "écart -20%" in report.floor_line(moved) and "⚠ le plancher a bougé" in report.floor_line(moved)
    page = {"key": "people", "label": "Personnes (région)", "queries": 8, "rps": 90.0, "p50_ms": 1, "p95_ms": 2, "p99_ms": 3, "kbytes": 1}
    table = report.config_table({**moved, "endpoints": [floor_row(1000.0), page]})
    assert "| Personnes (région) | 8 | 1,0 | 90,0 | 1,0 | 2,0 | 3,0 | 10,0 |" in table  # 900 ÷ 90: the mean of both floors


@pytest.mark.django_db
def test_a_postgresql_dataset_is_a_template_copied_for_each_run(settings):
    """On the PostgreSQL suite (CI's second run): a template database written once, refused connections, copied."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("PostgreSQL only: the SQLite suite checks the file store above")
    import psycopg

    admin = f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/postgres"
    store = datasets.PostgresStore(admin)
    key = f"testkey{os.getpid()}"
    target = f"mobilisation_test_copy_{key}"

    def write(url):
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE person (name text)")
            connection.execute("INSERT INTO person SELECT 'n' || i FROM generate_series(1, 4) i")
        return {"rows": 4, "seconds": 0.1, "tables": {"person": 4}}

    try:
        assert not store.exists(99, key)
        url = store.begin(99, key)
        store.commit(99, key, {**write(url), "written_at": "2026-12-07 10:00:00"})
        assert store.exists(99, key) and store.info(99, key)["rows"] == 4
        with psycopg.connect(admin) as connection:
            allowed = connection.execute(
                "SELECT datallowconn FROM pg_database WHERE datname = %s", [store.template_name(99, key)]
            ).fetchone()
        assert allowed == (False,)  # nobody writes into the template by mistake
        copy = store.copy(99, key, target)
        with psycopg.connect(copy, autocommit=True) as connection:
            assert connection.execute("SELECT count(*) FROM person").fetchone() == (4,)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            for name in store.kept(99):
                store.drop(connection, name)
