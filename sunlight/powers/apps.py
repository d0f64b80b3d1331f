from typing import Any

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate
from django.utils.translation import gettext_lazy as _


def _install_schema(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from sunlight.powers import schema

    schema.install(connections[using])


def _guard_posts(instance: Any, action: str, **kwargs: Any) -> None:
    """The responsible posts of a published version are frozen like the rest of it."""
    from sunlight.powers.models import PowerVersion, PublishedVersionImmutable, VersionState

    if (
        action.startswith("pre_")
        and isinstance(instance, PowerVersion)
        and instance.pk
        and PowerVersion.objects.filter(pk=instance.pk, state=VersionState.PUBLISHED).exists()
    ):
        raise PublishedVersionImmutable(f"{instance} is published and cannot be changed")


class PowersConfig(AppConfig):
    name = "sunlight.powers"
    label = "powers"
    verbose_name = _("Power list")

    def ready(self) -> None:
        from sunlight.powers import labels
        from sunlight.powers.models import PowerVersion

        post_migrate.connect(_install_schema, sender=self, dispatch_uid="powers.schema")
        m2m_changed.connect(
            _guard_posts, sender=PowerVersion.posts.through, dispatch_uid="powers.posts_guard"
        )
        labels.register()
