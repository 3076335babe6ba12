"""What every dataset step shares: the seeded random source, the scale, bulk writes and their tally."""

import datetime
import random
import time
import uuid
from collections import defaultdict
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

PARIS = datetime.timezone(datetime.timedelta(hours=1))

# The crisis the dataset tells: the second wave of COVID-19 (the ARS note, November 2020) to the end of the
# curfews (June 2021). Every generated date falls in this window.
CRISIS_START = datetime.date(2020, 11, 2)
CRISIS_END = datetime.date(2021, 6, 30)
CRISIS_DAYS = (CRISIS_END - CRISIS_START).days


class Context:
    """One run of the generator: a seeded random source, the scale, the rows written and the named personas."""

    def __init__(self, *, scale, seed, out=None):
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.out = out
        self.counts = defaultdict(int)
        self.seconds = defaultdict(float)
        self.tag = f"s{seed}"  # makes generated keys unique per seed, so two runs can stack up
        self.data = {}  # what a step hands to the next ones (e.g. the CLS planned in this run)
        self.writer = BulkWriter()

    # Randomness ---------------------------------------------------------------------------------------
    def uuid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def count(self, base):
        """`base` scaled, at least 1, rounded the same way every run."""
        return max(1, round(base * self.scale))

    def chance(self, probability):
        return self.rng.random() < probability

    def pick(self, population, k):
        k = min(k, len(population))
        return self.rng.sample(population, k) if k else []

    def weighted(self, choices):
        """choices: [(value, weight), ...]"""
        values, weights = zip(*choices, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def day(self, start=CRISIS_START, end=CRISIS_END):
        span = max(0, (end - start).days)
        return start + datetime.timedelta(days=self.rng.randint(0, span))

    def moment(self, day):
        """A time of the working day on `day`, aware (Europe/Paris in winter is UTC+1; close enough here)."""
        return datetime.datetime.combine(day, datetime.time(self.rng.randint(8, 18), self.rng.randint(0, 59)), tzinfo=PARIS)

    # Writes -------------------------------------------------------------------------------------------
    def insert(self, objects, *, label=None):
        """Write model instances of one model in bulk; returns them with their primary keys set.

        Faster than bulk_create (which compiles SQL for every row): primary keys are handed out here, rows go
        through one prepared statement (SQLite) or COPY (PostgreSQL). Foreign keys to instances written
        earlier are resolved as Django does on save.
        """
        objects = list(objects)
        if not objects:
            return objects
        model = type(objects[0])
        started = time.perf_counter()
        self.writer.write(model, objects)
        name = str(label or model._meta.verbose_name_plural)
        self.counts[name] += len(objects)
        self.seconds[name] += time.perf_counter() - started
        return objects

    def link(self, field, pairs, *, label=None):
        """Write the rows of a many-to-many field: pairs of (source pk, target pk), duplicates dropped."""
        through = field.remote_field.through
        columns = [through._meta.pk.column, field.m2m_column_name(), field.m2m_reverse_name()]
        pairs = list(dict.fromkeys(pairs))
        if not pairs:
            return
        started = time.perf_counter()
        first = self.writer.next_id(through, len(pairs))
        self.writer.copy(through, columns, [(first + i, a, b) for i, (a, b) in enumerate(pairs)])
        name = label or f"liens « {field.verbose_name} »"
        self.counts[name] += len(pairs)
        self.seconds[name] += time.perf_counter() - started

    @property
    def rows(self):
        return sum(self.counts.values())

    def summary(self):
        """The rows written per table, then the total and the write rate."""
        width = max(len(name) for name in self.counts) if self.counts else 10
        lines = [f"  {name:<{width}}  {count:>9,}".replace(",", " ") for name, count in sorted(self.counts.items(), key=lambda x: -x[1])]
        elapsed = getattr(self, "elapsed", None) or sum(self.seconds.values())
        rate = self.rows / elapsed if elapsed else 0
        lines.append(f"  {'total':<{width}}  {self.rows:>9,} lignes en {elapsed:.1f} s ({rate:,.0f} lignes/s)".replace(",", " "))
        return "\n".join(lines)

    def say(self, message):
        if self.out is not None:
            self.out.write(message + "\n")
            self.out.flush()


# Values of these field types go to the driver as they are; the others through Django's get_db_prep_save.
RAW_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


class BulkWriter:
    """Inserts rows with primary keys handed out from the table's maximum; the run is the only writer."""

    def __init__(self):
        self.next_ids = {}
        self.models = set()

    def next_id(self, model, count):
        table = model._meta.db_table
        if table not in self.next_ids:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX({model._meta.pk.column}) FROM {table}")  # noqa: S608 (table names come from models)
                self.next_ids[table] = (cursor.fetchone()[0] or 0) + 1
        first = self.next_ids[table]
        self.next_ids[table] += count
        return first

    def write(self, model, objects):
        meta = model._meta
        fields = meta.concrete_fields
        if meta.pk.get_internal_type() in ("AutoField", "BigAutoField") and objects[0].pk is None:
            first = self.next_id(model, len(objects))
            for offset, obj in enumerate(objects):
                obj.pk = first + offset
        relations = [f for f in fields if f.is_relation]
        timestamps = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
        # A field class of another package (a phone number, an encrypted text) prepares its own value, whatever its type.
        converted = [
            (i, f) for i, f in enumerate(fields) if f.get_internal_type() not in RAW_TYPES or not type(f).__module__.startswith("django.")
        ]
        attnames = [f.attname for f in fields]
        rows = []
        db = connections[DEFAULT_DB_ALIAS]  # looked up once: the `connection` proxy costs a thread-local lookup per use
        for obj in objects:
            for f in relations:  # a parent written earlier in this run: take its new key
                if getattr(obj, f.attname) is None and f.is_cached(obj):
                    parent = f.get_cached_value(obj)
                    if parent is not None:
                        obj.__dict__[f.attname] = parent.pk  # (setattr would drop the cached parent)
            for f in timestamps:
                f.pre_save(obj, add=True)
            row = [getattr(obj, name) for name in attnames]
            for i, f in converted:
                if row[i] is not None:
                    row[i] = f.get_db_prep_save(row[i], db)
            rows.append(row)
        self.copy(model, [f.column for f in fields], rows)

    def copy(self, model, columns, rows):
        """Send rows (already in database form) to the model's table: COPY on PostgreSQL, executemany on SQLite."""
        quote = connection.ops.quote_name
        table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608
        self.models.add(model)

    def finish(self):
        """PostgreSQL sequences resume after the keys handed out here, and the planner learns the new tables."""
        if connection.vendor != "postgresql" or not self.models:
            return
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(self.models)):
                cursor.execute(statement)
            # What autovacuum would do within a minute of a bulk load; without it the first plans are blind.
            for model in self.models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def backdating(*models):
    """Let bulk inserts keep the dates we give to auto_now/auto_now_add fields (history spread over the crisis)."""
    fields = [
        f for model in models for f in model._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@contextmanager
def bulk_session():
    """One transaction for the whole run; on SQLite, skip the per-commit fsync while writing."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        yield


def now():
    return timezone.now()
