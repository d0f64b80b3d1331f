"""`generatescale`: grow the demo to a province's scale: cases with their steps, and ledger leaves.

For benchmarks and load tests only, never on a production database: the cases are copies.

Each new case is a copy of one of the database's own cases (the demo's, made by the real
actions): its row, its steps with their posts, its waiting parallel branches, and its ledger
leaves, moved back in time by whole weeks so that a million cases spread over a few years
(about `--per-day` a day; a small share of copies of open cases stays current). A copy gets
its own id, case number (the unit's yearly counter moves on), applicant and query code
(`query_code(number)`). Its leaves are the template's leaves with their sequence number, time,
object id and applicant replaced, still canonical JSON (checked for each template), hashed
with the ledger's SM3 leaf hash; the Merkle nodes each leaf completes are computed with the
ledger's own `node_hash` on an in-memory frontier and stored as `append` stores them (those of
16 leaves and up: `ledger.tree`). When
`--leaves` asks for more leaves than the cases' own, the rest are `cases.read` leaves (an
inspector reading a case), whose shape comes from the real `appended_atomically` in a
rolled-back transaction.

Rows go in with raw SQL on the real tables: `executemany` on SQLite, `COPY` on PostgreSQL, in
one transaction per batch that also moves the ledger head, so an interrupted run leaves a
consistent database and a second run tops up to the sizes asked (idempotent). A checkpoint is
signed every `--checkpoint-every` leaves and at the end (`make_checkpoint`), so `verifyledger`
checks the whole result. Concluded copies have no sealed result document yet, like the demo's
own cases until `runtimers` seals them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sunlight.cases.actions import QUERY_ALPHABET, QUERY_LENGTH, query_digest
from sunlight.cases.models import Applicant, Case, CaseState, Step
from sunlight.ledger import canonical, checkpoints, merkle
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actions import size as ledger_size
from sunlight.ledger.actor import Actor
from sunlight.ledger.bulk import DUE, TIME, Frontier, leaf_shape
from sunlight.ledger.models import Channel, Leaf
from sunlight.orgs.models import Assignment, Organisation, PostKind

BATCH_CASES = 5_000
FILLER_BATCH = 50_000
TEMPLATES = 500
OPEN_STATES = (CaseState.RUNNING,)
CLONED_STATES = (CaseState.RUNNING, CaseState.APPROVED, CaseState.REFUSED, CaseState.WITHDRAWN)

# The columns copied from a template, as in the migrations (ids, numbers and applicants are new).
CASE_COLUMNS = (
    "definition_id",
    "owner_id",
    "intake_id",
    "subject",
    "state",
    "started_at",
    "started_by_id",
    "due_date",
    "due_provisional",
    "extended_days",
    "completed_at",
    "data",
    "acknowledged_risks",
    "joins",
)
STEP_COLUMNS = (
    "node_id",
    "iteration",
    "name",
    "stage_name",
    "unit_id",
    "state",
    "limit",
    "activated_at",
    "due_date",
    "due_provisional",
    "completed_at",
    "completed_by_id",
    "acted_post_id",
    "delegation_id",
    "decision",
    "reason",
    "form_data",
)
DATETIMES = {"started_at", "completed_at", "activated_at"}
DATES = {"due_date"}
JSONS = {"data", "acknowledged_risks", "joins", "form_data"}
LEAF_COLUMNS = ("seq", "recorded_at", "action", "object_type", "object_id", "actor_id", "data", "leaf_hash")


def query_code(number: str) -> str:
    """The query code of a generated case: derived from its number, so load tests can use it."""
    raw = hashlib.sha256(f"generatescale:{number}".encode()).digest()
    return "".join(QUERY_ALPHABET[b % len(QUERY_ALPHABET)] for b in raw[:QUERY_LENGTH])


@dataclass
class Template:
    """One case to copy: its row (with its waiting branches), steps, posts, leaves and applicant."""

    case_id: int
    case: dict[str, Any]
    abbr: str
    applicant: tuple[str, str, str]  # kind, name, phone
    steps: list[dict[str, Any]] = field(default_factory=list)
    posts: list[list[int]] = field(default_factory=list)
    leaves: list[tuple[str, int | None, str, dt.datetime, dt.date | None]] = field(default_factory=list)
    checked: bool = False


@dataclass
class Shifted:
    """A template moved back by whole weeks, its values ready for the database; ids come per copy."""

    case: list[Any]
    year: int
    steps: list[list[Any]]
    leaves: list[tuple[Any, str, int | None, str]]  # recorded_at, action, actor_id, %-text
    read: tuple[Any, str]  # the filler read's recorded_at and %-text


def _adapt(column: str, value: Any, days: dt.timedelta) -> Any:
    ops = connection.ops
    if value is None:
        return None
    if column in DATETIMES:
        return ops.adapt_datetimefield_value(value + days)
    if column in DATES:
        return ops.adapt_datefield_value(value + days)
    if column in JSONS:
        return json.dumps(value)
    return value


class Generator:
    def __init__(self, stdout: Any, checkpoint_every: int, per_day: int, open_share: float) -> None:
        self.stdout = stdout
        self.checkpoint_every = checkpoint_every
        self.per_day = per_day
        self.open_share = open_share
        self.rows: dict[str, int] = {}
        self.insert_seconds: dict[str, float] = {}
        self.seconds = 0.0
        self.frontier: Frontier | None = None
        self.read_shape = ""
        self.read_actor: int | None = None
        self.templates: list[Template] = []
        self.cache: dict[tuple[int, int], Shifted] = {}
        self.target = 0

    # --------------------------------------------------------------------------- templates

    def load_templates(self) -> None:
        cases = list(
            Case.objects.filter(
                state__in=CLONED_STATES,
                suspensions__isnull=True,
                extensions__isnull=True,
                materials__isnull=True,
            )
            .order_by("pk")
            .values(
                "pk", "applicant__kind", "applicant__name", "applicant__phone", "owner__abbr", *CASE_COLUMNS
            )[:TEMPLATES]
        )
        by_id: dict[int, Template] = {}
        for row in cases:
            template = Template(
                case_id=row["pk"],
                case={c: row[c] for c in CASE_COLUMNS},
                abbr=row["owner__abbr"],
                applicant=(row["applicant__kind"], row["applicant__name"], row["applicant__phone"]),
            )
            by_id[template.case_id] = template
        steps: dict[int, int] = {}
        for step in (
            Step.objects.filter(case_id__in=by_id).order_by("pk").values("pk", "case_id", *STEP_COLUMNS)
        ):
            template = by_id[step["case_id"]]
            steps[step["pk"]] = len(template.steps)
            template.steps.append({c: step[c] for c in STEP_COLUMNS})
            template.posts.append([])
        for step_id, post_id, case_id in (
            Step.posts.through.objects.filter(step__case_id__in=by_id)
            .order_by("pk")
            .values_list("step_id", "post_id", "step__case_id")
        ):
            by_id[case_id].posts[steps[step_id]].append(post_id)
        leaves = Leaf.objects.filter(
            object_type="cases.case", object_id__in=[str(i) for i in by_id]
        ).order_by("seq")
        for object_id, action, actor_id, data in leaves.values_list(
            "object_id", "action", "actor_id", "data"
        ):
            payload = json.loads(data)
            due = payload.get("changes", {}).get("due_date")
            template = by_id[int(object_id)]
            template.leaves.append(
                (
                    action,
                    actor_id,
                    leaf_shape(data, action),
                    dt.datetime.fromisoformat(payload["time"]),
                    dt.date.fromisoformat(due[1]) if action == "cases.start" and due and due[1] else None,
                )
            )
        self.templates = [t for t in by_id.values() if t.leaves]
        if not self.templates:
            raise CommandError("no case to copy: load the demo first (manage.py demo --no-serve)")
        self._read_template(self.templates[0].case_id)

    def _read_template(self, case_id: int) -> None:
        """The shape of a `cases.read` leaf, from the real code, in a transaction rolled back."""
        inspector = (
            Assignment.objects.filter(post__kind=PostKind.INSPECTOR)
            .select_related("person")
            .order_by("pk")
            .first()
        )
        actor = Actor.of(inspector.person) if inspector else Actor.system(Channel.COMMAND)
        with transaction.atomic():
            leaf = appended_atomically(actor, "cases.read", ("cases.case", case_id))
            transaction.set_rollback(True)
        self.read_shape = leaf_shape(leaf.data, leaf.action)
        self.read_actor = leaf.actor_id

    def shifted(self, template: Template, weeks: int) -> Shifted:
        key = (template.case_id, weeks)
        found = self.cache.get(key)
        if found is not None:
            return found
        days = dt.timedelta(weeks=weeks)
        ops = connection.ops
        leaves = []
        for action, actor_id, shape, at, due in template.leaves:
            text = shape.replace(TIME, (at + days).isoformat())
            if due is not None:
                text = text.replace(DUE, (due + days).isoformat())
            if not template.checked:
                sample = text % {"seq": 7, "obj": "1", "app": 1}
                if canonical.dumps(json.loads(sample)) != sample:
                    raise CommandError(f"a copy of a leaf of case {template.case_id} is not canonical JSON")
            leaves.append((ops.adapt_datetimefield_value(at + days), action, actor_id, text))
        template.checked = True
        read_at = template.case["started_at"] + days + dt.timedelta(days=1)
        found = Shifted(
            case=[_adapt(c, template.case[c], days) for c in CASE_COLUMNS],
            year=timezone.localtime(template.case["started_at"] + days).year,
            steps=[[_adapt(c, step[c], days) for c in STEP_COLUMNS] for step in template.steps],
            leaves=leaves,
            read=(ops.adapt_datetimefield_value(read_at), self.read_shape.replace(TIME, read_at.isoformat())),
        )
        self.cache[key] = found
        return found

    # --------------------------------------------------------------------------- writing

    def insert(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        started = time.monotonic()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608
        self.rows[table] = self.rows.get(table, 0) + len(rows)
        self.insert_seconds[table] = self.insert_seconds.get(table, 0.0) + time.monotonic() - started

    def lock_head(self) -> int:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # The same upsert as `append`: the head's row lock keeps every other appender
                # out until this batch commits.
                cursor.execute(
                    "INSERT INTO ledger_head (id, size) VALUES (1, 0) "
                    "ON CONFLICT (id) DO UPDATE SET size = ledger_head.size RETURNING size"
                )
                size: int = cursor.fetchone()[0]
        else:
            # SQLite keeps no head row: the transaction's write lock keeps the appenders out.
            size = ledger_size()
        if self.frontier is None or self.frontier.size != size:
            self.frontier = Frontier.load(size)
        return size

    def next_id(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
            found: int = cursor.fetchone()[0]
        return found

    def finish_batch(self, leaves: list[Sequence[Any]], nodes: list[tuple[int, int, bytes]]) -> None:
        assert self.frontier is not None
        self.insert("ledger_leaf", LEAF_COLUMNS, leaves)
        self.insert("ledger_node", ("level", "index", "hash"), nodes)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("UPDATE ledger_head SET size = %s WHERE id = 1", [self.frontier.size])

    def leaf(
        self,
        out: list[Sequence[Any]],
        nodes: list[tuple[int, int, bytes]],
        recorded_at: Any,
        action: str,
        actor_id: int | None,
        text: str,
        case_id: int,
        applicant_id: int,
    ) -> None:
        assert self.frontier is not None
        seq = self.frontier.size
        data = text % {"seq": seq, "obj": case_id, "app": applicant_id}
        digest = merkle.leaf_hash(data.encode("utf-8"))
        self.frontier.append(digest, nodes)
        out.append((seq, recorded_at, action, "cases.case", str(case_id), actor_id, data, digest))

    # --------------------------------------------------------------------------- the run

    def plan(self, cases: int) -> tuple[Iterator[tuple[Template, int]], int]:
        """(template, weeks moved) for each new case, history first, then the open copies; and
        how many leaves of their own those copies bring."""
        concluded = [t for t in self.templates if t.case["state"] not in OPEN_STATES]
        current = [t for t in self.templates if t.case["state"] in OPEN_STATES]
        opened = round(cases * self.open_share) if current else 0
        if not concluded:
            opened = cases
        past = cases - opened
        per_week = max(1, self.per_day * 7)

        def own(templates: list[Template], count: int) -> int:
            if not templates:
                return 0
            sizes = [len(t.leaves) for t in templates]
            rounds, rest = divmod(count, len(sizes))
            return rounds * sum(sizes) + sum(sizes[:rest])

        def copies() -> Iterator[tuple[Template, int]]:
            for n in range(past):
                yield concluded[n % len(concluded)], -((past - n + per_week - 1) // per_week)
            for n in range(opened):
                yield current[n % len(current)], 0

        return copies(), own(concluded, past) + own(current, opened)

    def run(self, cases: int, leaves: int) -> None:
        started = time.monotonic()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # 1 GiB of page cache for this connection: the indexes of a bulk load stay in
                # memory instead of being re-read page by page (about 30% faster).
                cursor.execute("PRAGMA cache_size = -1048576")
        existing_cases = Case.objects.count()
        with transaction.atomic():
            size = self.lock_head()
        new_cases = max(0, cases - existing_cases)
        wanted_leaves = max(0, leaves - size)
        if not new_cases and not wanted_leaves:
            self.stdout.write(f"already at scale: {existing_cases:,} cases, {size:,} leaves")
            return
        self.load_templates()
        self.target = leaves
        plan, own = self.plan(new_cases)
        # Leaves beyond the cases' own are spread over the new cases as inspectors' reads.
        extra = max(0.0, (wanted_leaves - own) / new_cases) if new_cases else 0.0
        self.stdout.write(
            f"copying {len(self.templates)} cases into {new_cases:,} new ones "
            f"({own:,} leaves of their own, {extra:.2f} reads each), ledger from {size:,} to {leaves:,}"
        )
        credit = 0.0
        done = 0
        last_checkpoint = size // self.checkpoint_every
        while done < new_cases:
            credit, made = self.case_batch(plan, min(BATCH_CASES, new_cases - done), extra, credit)
            done += made
            last_checkpoint = self.progress(started, done, new_cases, last_checkpoint)
        while self.frontier is not None and self.frontier.size < leaves:
            self.read_batch(min(FILLER_BATCH, leaves - self.frontier.size))
            last_checkpoint = self.progress(started, done, new_cases, last_checkpoint)
        checkpoints.make_checkpoint(force=True)
        self.seconds = time.monotonic() - started
        total = sum(self.rows.values())
        self.stdout.write(
            f"{connection.vendor}: {total:,} rows in {self.seconds:.1f} s = {total / self.seconds:,.0f} rows/s"
        )
        for table, count in self.rows.items():
            seconds = self.insert_seconds[table]
            self.stdout.write(
                f"  {table}: {count:,} rows, written in {seconds:.1f} s ({count / max(seconds, 1e-9):,.0f} rows/s)"
            )

    def progress(self, started: float, done: int, total: int, last_checkpoint: int) -> int:
        assert self.frontier is not None
        size = self.frontier.size
        if size // self.checkpoint_every != last_checkpoint:
            checkpoints.make_checkpoint(force=True)
        seconds = time.monotonic() - started
        rows = sum(self.rows.values())
        self.stdout.write(
            f"  {done:,}/{total:,} cases, ledger {size:,} leaves, {rows:,} rows in {seconds:.0f} s "
            f"({rows / max(seconds, 1e-9):,.0f} rows/s)"
        )
        return size // self.checkpoint_every

    def case_batch(
        self, plan: Iterator[tuple[Template, int]], count: int, extra: float, credit: float
    ) -> tuple[float, int]:
        """Up to `count` copies in one transaction, ending early where a checkpoint is due."""
        with transaction.atomic():
            size = self.lock_head()
            checkpoint_at = (size // self.checkpoint_every + 1) * self.checkpoint_every
            made = 0
            case_id, step_id = self.next_id("cases_case"), self.next_id("cases_step")
            applicant_id = self.next_id("cases_applicant")
            counters = self.counters()
            applicants: list[Sequence[Any]] = []
            case_rows: list[Sequence[Any]] = []
            step_rows: list[Sequence[Any]] = []
            post_rows: list[Sequence[Any]] = []
            leaf_rows: list[Sequence[Any]] = []
            nodes: list[tuple[int, int, bytes]] = []
            assert self.frontier is not None
            while made < count and self.frontier.size < checkpoint_at:
                made += 1
                template, weeks = next(plan)
                if len(self.cache) > 4 * TEMPLATES:
                    self.cache.clear()  # copies move back week by week: older weeks are done
                shifted = self.shifted(template, weeks)
                owner = template.case["owner_id"]
                last = counters.get((owner, shifted.year), 0) + 1
                counters[(owner, shifted.year)] = last
                number = f"{template.abbr}-{shifted.year}-{last:06d}"
                id_number = f"SL{applicant_id:016d}"
                kind, name, phone = template.applicant
                applicants.append(
                    (
                        applicant_id,
                        kind,
                        name,
                        # As `cases.actions._applicant` keys applicants: the HMAC of the number.
                        salted_hmac("sunlight.cases.applicant-id", id_number).hexdigest(),
                        id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:],
                        phone,
                    )
                )
                case_rows.append(
                    (case_id, number, applicant_id, query_digest(number, query_code(number)), *shifted.case)
                )
                for row, posts in zip(shifted.steps, template.posts, strict=True):
                    step_rows.append((step_id, case_id, *row))
                    post_rows.extend((step_id, post) for post in posts)
                    step_id += 1
                for recorded_at, action, actor_id, text in shifted.leaves:
                    self.leaf(leaf_rows, nodes, recorded_at, action, actor_id, text, case_id, applicant_id)
                credit += extra
                while credit >= 1 and self.frontier.size < self.target:
                    credit -= 1
                    read_at, read_text = shifted.read
                    self.leaf(leaf_rows, nodes, read_at, "cases.read", self.read_actor, read_text, case_id, 0)
                case_id += 1
                applicant_id += 1
            self.insert(
                "cases_applicant", ("id", "kind", "name", "id_digest", "id_masked", "phone"), applicants
            )
            self.insert(
                "cases_case", ("id", "number", "applicant_id", "query_code_digest", *CASE_COLUMNS), case_rows
            )
            self.insert("cases_step", ("id", "case_id", *STEP_COLUMNS), step_rows)
            self.insert("cases_step_posts", ("step_id", "post_id"), post_rows)
            self.save_counters(counters)
            self.finish_batch(leaf_rows, nodes)
            if connection.vendor == "postgresql":
                # Ids were given explicitly: move the sequences past them.
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), [Applicant, Case, Step]):
                        cursor.execute(sql)
        return credit, made

    def read_batch(self, count: int) -> None:
        """Reads of the template cases, now: the leaves asked for beyond the cases' own."""
        now = timezone.now()
        at = connection.ops.adapt_datetimefield_value(now)
        text = self.read_shape.replace(TIME, now.isoformat())
        with transaction.atomic():
            self.lock_head()
            leaf_rows: list[Sequence[Any]] = []
            nodes: list[tuple[int, int, bytes]] = []
            for n in range(count):
                case_id = self.templates[n % len(self.templates)].case_id
                self.leaf(leaf_rows, nodes, at, "cases.read", self.read_actor, text, case_id, 0)
            self.finish_batch(leaf_rows, nodes)

    def counters(self) -> dict[tuple[int, int], int]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT unit_id, year, last FROM cases_casecounter")
            return {(unit, year): last for unit, year, last in cursor.fetchall()}

    def save_counters(self, counters: dict[tuple[int, int], int]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO cases_casecounter (unit_id, year, last) VALUES (%s, %s, %s) "
                "ON CONFLICT (unit_id, year) DO UPDATE SET last = CASE WHEN excluded.last > "
                "cases_casecounter.last THEN excluded.last ELSE cases_casecounter.last END",
                [(unit, year, last) for (unit, year), last in counters.items()],
            )


def load_demo_prerequisites(say: Callable[[str], object]) -> None:
    """The demo up to its cases (the templates), each part skipped when already loaded."""
    from sunlight.management.commands.demo import DEMO_APPS

    for app in DEMO_APPS[: DEMO_APPS.index("cases") + 1]:
        module = importlib.import_module(f"sunlight.{app}.demo")
        if not module.is_loaded():
            started = time.monotonic()
            module.load()
            say(f"demo {app}: loaded in {time.monotonic() - started:.1f} s")


class Command(BaseCommand):
    help = "Grow the database to --cases cases (copies of its own) and --leaves ledger leaves."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1_000_000, help="cases in total (default 1,000,000)")
        parser.add_argument(
            "--leaves", type=int, default=10_000_000, help="ledger leaves in total (default 10,000,000)"
        )
        parser.add_argument("--per-day", type=int, default=1000, help="copied cases per day of history")
        parser.add_argument("--open-share", type=float, default=0.02, help="share of copies still open")
        parser.add_argument(
            "--checkpoint-every",
            type=int,
            default=1_000_000,
            # Each signing computes the root from the stored tree: a few index searches.
            help="leaves between checkpoints (default 1,000,000)",
        )
        parser.add_argument(
            "--no-demo", action="store_true", help="do not load the demo when there is no case to copy"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] < 0 or options["leaves"] < 0 or options["checkpoint_every"] < 1:
            raise CommandError("sizes must be positive")
        if not options["no_demo"] and not Case.objects.filter(~Q(state=CaseState.SUSPENDED)).exists():
            load_demo_prerequisites(self.stdout.write)
        if not Organisation.objects.exists():
            raise CommandError("the database is empty: load the demo first")
        generator = Generator(
            self.stdout, options["checkpoint_every"], options["per_day"], options["open_share"]
        )
        generator.run(options["cases"], options["leaves"])
