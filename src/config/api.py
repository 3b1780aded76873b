"""The API under /api/v1/: each app contributes a django-ninja `router` from its `api.py`."""

from importlib import import_module

from django.apps import apps
from ninja import NinjaAPI

from maillage.core.api_errors import install_error_handlers

api = NinjaAPI(
    title="Maillage API",
    version="1",
    description="Travail en réseau: partner directory, persons and their networks, consent and audit.",
    urls_namespace="api",
    docs_url="/docs",
)
install_error_handlers(api)

for app_config in apps.get_app_configs():
    if not app_config.name.startswith("maillage."):
        continue
    try:
        module = import_module(f"{app_config.name}.api")
    except ModuleNotFoundError as error:
        if error.name != f"{app_config.name}.api":
            raise
        continue
    api.add_router(f"/{app_config.label}/", module.router, tags=[app_config.label])
