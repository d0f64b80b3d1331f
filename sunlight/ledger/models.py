"""The tamper-evident ledger (留痕账本): leaves, Merkle tree nodes and signed checkpoints.

Leaf, Node and Checkpoint rows are append-only: migration 0002 installs triggers that refuse
UPDATE and DELETE on them, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    TIMER = "timer", _("Timer")
    COMMAND = "command", _("Command")
    PORTAL = "portal", _("Public portal")


class LeafQuerySet(models.QuerySet["Leaf"]):
    def about(self, object_type: str, object_id: str | int) -> LeafQuerySet:
        return self.filter(object_type=object_type, object_id=str(object_id))


class SequenceField(models.BigIntegerField):  # type: ignore[type-arg]
    """A 64-bit sequence number that, as the primary key on SQLite, is the table's rowid.

    SQLite makes only a column declared `integer PRIMARY KEY` the rowid (its integers are 64-bit
    anyway); `bigint PRIMARY KEY` gets a separate index, written by every append and read
    before the table by every range of leaves. PostgreSQL keeps bigint.
    """

    def db_type(self, connection: BaseDatabaseWrapper) -> str | None:
        if connection.vendor == "sqlite" and self.primary_key:
            return "integer"
        return super().db_type(connection)


class Leaf(models.Model):
    """One ledger leaf (留痕记录): the canonical JSON of one action, numbered without gaps."""

    seq = SequenceField(primary_key=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    actor_id = models.BigIntegerField(null=True)
    # The exact bytes that were hashed (UTF-8 canonical JSON); the columns above are copies
    # for indexed queries, verification reads only this and the hashes.
    data = models.TextField()
    leaf_hash = models.BinaryField(max_length=32)

    objects = LeafQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger leaf")
        verbose_name_plural = _("ledger leaves")
        indexes = [
            # A case's trail for inspectors: every leaf about one object, in order. (No index by
            # actor: no page lists a person's leaves, and each index is a page of every action's
            # commit; the page that needs one brings it.)
            models.Index(fields=["object_type", "object_id", "seq"], name="ledger_leaf_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class Node(models.Model):
    """A perfect Merkle subtree hash: level L, index i covers leaves [i·2^L, (i+1)·2^L)."""

    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "index"], name="ledger_node_position")]

    def __str__(self) -> str:
        return f"node {self.level}/{self.index}"


class Head(models.Model):
    """The ledger's size: one row, locked by every append so sequence numbers have no gaps."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"ledger size {self.size}"


class Checkpoint(models.Model):
    """A signed checkpoint (签名检查点): origin, tree size, root and time, signed by the server key."""

    size = models.BigIntegerField(unique=True)
    root = models.CharField(max_length=64)
    signed_at = models.CharField(max_length=40)
    origin = models.CharField(max_length=200)
    suite = models.CharField(max_length=20)
    key_id = models.CharField(max_length=16)
    signature = models.TextField()

    class Meta:
        ordering = ["size"]
        verbose_name = _("ledger checkpoint")
        verbose_name_plural = _("ledger checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.size} {self.root[:16]}…"


class VerificationOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


class Verification(models.Model):
    """One run of the ledger verification and its result."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    size = models.BigIntegerField()
    outcome = models.CharField(max_length=10, choices=VerificationOutcome.choices)
    first_bad_seq = models.BigIntegerField(null=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"verification {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"
