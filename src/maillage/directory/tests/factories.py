import factory
from django.utils import timezone

from maillage.accounts.tests.factories import OrganisationFactory
from maillage.directory.enums import CapacityStatus, ServiceStatus
from maillage.directory.models import Location, Service, ServiceArea, ServiceAtLocation
from maillage.territories.models import Level, Territory


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory
        skip_postgeneration_save = True

    country = "BE"
    level = Level.COMMUNE
    code = factory.Sequence(lambda n: f"9{n:04d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    latitude = 49.9
    longitude = 5.4

    @factory.post_generation
    def with_path(obj, create, extracted, **kwargs):
        parent_path = obj.parent.path if obj.parent_id else "/"
        obj.path = f"{parent_path}{obj.id}/"
        if create:
            obj.save(update_fields=["path"])


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = ""
    status = ServiceStatus.ACTIVE
    capacity_status = CapacityStatus.AVAILABLE
    capacity_updated_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def needs(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.needs.set(extracted)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Lieu {n}")
    address_1 = "Rue de la Gare 1"
    latitude = 49.9
    longitude = 5.4


def place_service(service: Service, *, commune: Territory, latitude: float, longitude: float) -> Location:
    location = LocationFactory(
        organisation=service.organisation, commune=commune, city=commune.name, latitude=latitude, longitude=longitude
    )
    ServiceAtLocation.objects.create(service=service, location=location)
    return location


def cover(service: Service, territory: Territory) -> ServiceArea:
    return ServiceArea.objects.create(service=service, territory=territory, name=territory.name)
