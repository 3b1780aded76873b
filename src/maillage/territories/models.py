from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.text import fold


class Level(models.IntegerChoices):
    COUNTRY = 1, _("Country")
    REGION = 2, _("Region")
    PROVINCE = 3, _("Province or département")
    DISTRICT = 4, _("District (arrondissement)")
    COMMUNE = 5, _("Commune")


class Territory(models.Model):
    """An administrative area, imported from an official list (codes: NIS/INS in Belgium, INSEE in France).

    `path` is the chain of ids from the country down ("/1/4/9/"), so that "everything inside" is one
    indexed prefix query on either database.
    """

    country = models.CharField(_("country"), max_length=2)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level)
    code = models.CharField(_("official code"), max_length=20)
    name = models.CharField(_("name"), max_length=150)
    # The name folded (`core.text.fold`), so that "liege" or "SAINT HUBERT" finds the commune on either database.
    search_name = models.CharField(_("name for search"), max_length=150, db_index=True, editable=False, default="")
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("path"), max_length=255, db_index=True, editable=False, default="")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["country", "level", "code"], name="territories_territory_code_unique")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.search_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)


class PostalCode(models.Model):
    """A postcode and the locality it serves in a commune; one commune may have several, and the reverse."""

    country = models.CharField(_("country"), max_length=2)
    code = models.CharField(_("postcode"), max_length=10, db_index=True)
    locality = models.CharField(_("locality"), max_length=150)
    # The locality folded (`core.text.fold`): "recogne" or "BRAS" finds the village, then its commune.
    search_locality = models.CharField(
        _("locality for search"), max_length=150, db_index=True, editable=False, default=""
    )
    commune = models.ForeignKey(
        Territory, verbose_name=_("commune"), on_delete=models.CASCADE, related_name="postal_codes"
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code", "locality"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code", "locality", "commune"], name="territories_postalcode_unique"
            )
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.locality and not self.search_locality:
            self.search_locality = fold(self.locality)  # also for bulk_create, which does not call save()

    def __str__(self) -> str:
        return f"{self.code} {self.locality}"

    def save(self, *args, **kwargs) -> None:
        self.search_locality = fold(self.locality)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "locality" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_locality"}
        super().save(*args, **kwargs)
