"""Datasets kept and reused between benchmark runs.

A dataset is named by what makes it: the generator's code, the migrations, the reference data and their loaders,
the seed and the scale, hashed into a key (`dataset_key`). It is written once (migrations, reference data, the
"Bretagne en crise" generator) and kept:

- PostgreSQL: as a template database `mobilisation_tpl_s<scale>_<key>` (connections refused, its tally in the
  database's comment); each run gets its own copy with `CREATE DATABASE … TEMPLATE …` in seconds;
- SQLite: as a file in the datasets folder (`BENCH_DATASETS`, by default ~/.cache/mobilisation-cls/bench, outside
  the checkout, so that a fresh clone finds them), copied for each run.

A dataset is written under a temporary name and renamed once complete: an interrupted write leaves nothing that
could be taken for a dataset. A changed generator or migration makes a new key; for each database and scale, the
last two keys are kept and older ones dropped.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEEP = 2  # keys kept per database and scale
PREFIX = "mobilisation_tpl_"

# What the rows of a dataset depend on: change one of these files and the key changes.
SOURCES = (
    "bench/generate.py",
    "bench/dataset/**/*.py",
    "mobilisation/*/migrations/*.py",
    "mobilisation/*/management/commands/load_*.py",
    "mobilisation/*/loaders.py",
    "data/**/*",
)


def source_files(root=ROOT):
    files = {path for pattern in SOURCES for path in root.glob(pattern) if path.is_file() and "__pycache__" not in path.parts}
    return sorted(files)


def dataset_key(*, seed, scale, root=ROOT):
    """The hash of everything the dataset is made of: each source file's path and content, the seed, the scale."""
    digest = hashlib.sha256(f"seed={seed};scale={scale:g}\n".encode())
    for path in source_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:12]


def scale_name(scale):
    return f"{scale:g}".replace(".", "_")


def datasets_folder():
    folder = (
        os.environ.get("BENCH_DATASETS") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mobilisation-cls" / "bench"
    )
    return Path(folder)


@dataclass
class Prepared:
    """What a run's database was made from: the dataset's tally and whether this run wrote or reused it."""

    key: str
    reused: bool
    seconds: float  # writing the dataset, or copying it for this run
    info: dict  # rows, seconds (of the write), tables, written_at

    def as_dict(self):
        return {**self.info, "key": self.key, "reused": self.reused, "prepare_seconds": round(self.seconds, 1)}


class PostgresStore:
    """Template databases on the PostgreSQL server of `admin_url` (a user allowed to create databases)."""

    vendor = "postgresql"

    def __init__(self, admin_url):
        self.admin_url = admin_url

    def connect(self):
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True)

    def url_of(self, name):
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def template_name(self, scale, key):
        return f"{PREFIX}s{scale_name(scale)}_{key}"

    def kept(self, scale):
        """{name: info} of the complete templates of this scale, newest first."""
        with self.connect() as connection:
            rows = connection.execute(
                "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database WHERE datname LIKE %s",
                [f"{PREFIX}s{scale_name(scale)}\\_%"],
            ).fetchall()
        found = {}
        for name, comment in rows:
            try:
                found[name] = json.loads(comment or "")
            except ValueError:
                found[name] = {}  # not written by us to the end: dropped by prune()
        return dict(sorted(found.items(), key=lambda item: item[1].get("written_at", ""), reverse=True))

    def exists(self, scale, key):
        return bool(self.kept(scale).get(self.template_name(scale, key)))  # complete: its tally written

    def info(self, scale, key):
        return self.kept(scale)[self.template_name(scale, key)]

    def drop(self, connection, name):
        connection.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE false ALLOW_CONNECTIONS true')
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def begin(self, scale, key):
        """A new empty database to write the dataset into; returns its URL."""
        name = self.template_name(scale, key) + "_wip"
        with self.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url_of(name)

    def commit(self, scale, key, info):
        """The written dataset becomes the template of its key (renamed, connections refused, tally in its comment)."""
        from psycopg import sql

        name = self.template_name(scale, key)
        with self.connect() as connection:
            if name in self.kept(scale):
                self.drop(connection, name)
            connection.execute(f'ALTER DATABASE "{name}_wip" RENAME TO "{name}"')
            connection.execute(f'ALTER DATABASE "{name}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false')
            comment = sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                sql.Identifier(name), sql.Literal(json.dumps(info, ensure_ascii=False))
            )
            connection.execute(comment)

    def copy(self, scale, key, target):
        """A run's own database, copied from the template (FILE_COPY: a checkpoint and a copy of the files)."""
        with self.connect() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            version = connection.info.server_version
            strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
            connection.execute(f'CREATE DATABASE "{target}" TEMPLATE "{self.template_name(scale, key)}"{strategy}')
        return self.url_of(target)

    def prune(self, scale, keep_key):
        """Drop the templates of this scale beyond the newest KEEP (the one just used always kept), and any unfinished one."""
        kept = self.kept(scale)
        newest = [name for name, info in kept.items() if info][:KEEP]
        current = self.template_name(scale, keep_key)
        dropped = []
        with self.connect() as connection:
            for name, info in kept.items():
                if name == current or (info and name in newest):
                    continue
                self.drop(connection, name)
                dropped.append(name)
        return dropped


class SqliteStore:
    """Dataset files in a folder outside the checkout."""

    vendor = "sqlite"

    def __init__(self, folder=None):
        self.folder = Path(folder or datasets_folder())

    def path(self, scale, key):
        return self.folder / f"sqlite-s{scale_name(scale)}-{key}.sqlite3"

    def kept(self, scale):
        found = {}
        for path in self.folder.glob(f"sqlite-s{scale_name(scale)}-*.sqlite3"):
            sidecar = path.with_suffix(".json")
            found[path] = json.loads(sidecar.read_text(encoding="utf-8")) if sidecar.exists() else {}
        return dict(sorted(found.items(), key=lambda item: item[1].get("written_at", ""), reverse=True))

    def exists(self, scale, key):
        return self.path(scale, key).exists() and self.path(scale, key).with_suffix(".json").exists()

    def info(self, scale, key):
        return json.loads(self.path(scale, key).with_suffix(".json").read_text(encoding="utf-8"))

    def begin(self, scale, key):
        self.folder.mkdir(parents=True, exist_ok=True)
        work = self.path(scale, key).with_suffix(".part")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{work}"

    def commit(self, scale, key, info):
        work = self.path(scale, key).with_suffix(".part")
        with sqlite3.connect(work) as connection:  # the write-ahead log folded into the file before it is copied
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        work.replace(self.path(scale, key))
        self.path(scale, key).with_suffix(".json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")

    def copy(self, scale, key, target):
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.path(scale, key), target)
        return f"sqlite:///{target}"

    def prune(self, scale, keep_key):
        kept = self.kept(scale)
        newest = [path for path, info in kept.items() if info][:KEEP]
        current = self.path(scale, keep_key)
        dropped = []
        for part in self.folder.glob(f"sqlite-s{scale_name(scale)}-*.part*"):  # writes interrupted under another key
            if not part.name.startswith(current.stem + "."):
                part.unlink(missing_ok=True)
                dropped.append(part.name)
        for path, info in kept.items():
            if path == current or (info and path in newest):
                continue
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
            dropped.append(path.name)
        return dropped


def prepare(store, *, scale, seed, target, fresh, write):
    """The run's database, copied from the kept dataset of (scale, seed, code), written first if missing or `fresh`.

    `write(url)` fills an empty database (migrations, reference data, generator) and returns the tally
    {"rows", "seconds", "tables"}. Returns the run database's URL and a Prepared.
    """
    key = dataset_key(seed=seed, scale=scale)
    started = time.perf_counter()
    reused = store.exists(scale, key) and not fresh
    if not reused:
        tally = write(store.begin(scale, key))
        store.commit(scale, key, {**tally, "seed": seed, "scale": scale, "written_at": time.strftime("%Y-%m-%d %H:%M:%S")})
    written = time.perf_counter() - started
    copy_started = time.perf_counter()
    url = store.copy(scale, key, target)
    copied = time.perf_counter() - copy_started
    store.prune(scale, key)
    return url, Prepared(key=key, reused=reused, seconds=copied if reused else written + copied, info=store.info(scale, key))
