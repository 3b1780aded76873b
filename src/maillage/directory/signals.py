"""Keep the search index in step with ORM writes (bulk loads index themselves, see `search_index`)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from maillage.accounts.models import Organisation
from maillage.directory.models import Location, Service, ServiceAtLocation, TaxonomyTerm
from maillage.directory.search import forget_synonyms
from maillage.directory.search_index import index_services, remove_services


def _reindex(service_ids) -> None:
    # In the same transaction as the write: the FTS5 table and the search vector commit or roll back with it.
    ids = list(service_ids)
    if ids:
        index_services(ids)


@receiver(post_save, sender=Service)
def service_saved(sender, instance: Service, raw: bool = False, **kwargs) -> None:
    if not raw:
        _reindex([instance.id])


@receiver(post_delete, sender=Service)
def service_deleted(sender, instance: Service, **kwargs) -> None:
    remove_services([instance.id])


@receiver(m2m_changed, sender=Service.needs.through)
def service_needs_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    _reindex((pk_set or []) if reverse else [instance.id])


@receiver(post_save, sender=ServiceAtLocation)
@receiver(post_delete, sender=ServiceAtLocation)
def link_changed(sender, instance: ServiceAtLocation, raw: bool = False, **kwargs) -> None:
    if not raw:
        _reindex([instance.service_id])


@receiver(post_save, sender=Location)
def location_saved(sender, instance: Location, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw and not created:
        _reindex(instance.service_links.values_list("service_id", flat=True))


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance: Organisation, created: bool, raw: bool = False, **kwargs) -> None:
    if not raw and not created:
        _reindex(instance.services.values_list("id", flat=True))


@receiver(post_save, sender=TaxonomyTerm)
@receiver(post_delete, sender=TaxonomyTerm)
def term_changed(sender, instance: TaxonomyTerm, **kwargs) -> None:
    forget_synonyms()
