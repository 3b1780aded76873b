"""Abstract bases shared by the domain apps."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicIdModel(models.Model):
    """URLs and API payloads carry this random id, never the database pk."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TrackedModel(PublicIdModel):
    """A record that keeps when it was created and who last updated it, and when."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
