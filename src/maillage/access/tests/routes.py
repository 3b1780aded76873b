"""Every URL pattern and every API operation, with the view behind it, for the enumeration and matrix tests."""

import functools
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from maillage.access.door import NO_PERSON_DATA_ATTRIBUTE, PERSON_DATA_ATTRIBUTE

# Views of Django and of libraries that never see person data; everything of ours must be declared.
# The admin (all of /admin/) registers no person model: checked by test_admin_has_no_person_models.
ALLOWED_PATH_PREFIXES = ("admin/",)
ALLOWED_MODULE_PREFIXES = (
    "django.contrib.admin.",
    "django.contrib.auth.views",
    "django.contrib.contenttypes.views",
    "django.views.i18n",
    "django.views.static",
    "django.contrib.staticfiles.",
)


@dataclass(frozen=True)
class Route:
    path: str
    name: str | None
    view: Any
    method: str | None = None  # API operations: the HTTP method(s)
    api_builtin: bool = False  # the API's root, docs, schema and unknown-path answer

    @property
    def declaration(self) -> dict | None:
        return getattr(self.view, PERSON_DATA_ATTRIBUTE, None)

    @property
    def declared_no_person_data(self) -> bool:
        return bool(getattr(self.view, NO_PERSON_DATA_ATTRIBUTE, False))

    @property
    def label(self) -> str:
        method = f"{self.method} " if self.method else ""
        module = getattr(self.view, "__module__", "?")
        return f"{method}/{self.path} -> {module}.{getattr(self.view, '__qualname__', self.view)}"


def _unwrap(view: Any) -> Any:
    """The function to read declarations from: class-based views' class, or the function itself."""
    view_class = getattr(view, "view_class", None)
    return view_class if view_class is not None else view


def _ninja_operations(callback: Any) -> list[Any] | None:
    """The operations behind a django-ninja path view (its wrapper keeps the PathView in its closure)."""
    if not getattr(callback, "__module__", "").startswith("ninja."):
        return None
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return operations
    return []


def _innermost(callback: Any) -> Any:
    """Through partials and `functools.wraps` wrappers (the API wraps every URL callback)."""
    for _depth in range(20):
        if isinstance(callback, functools.partial):
            callback = callback.func
        elif getattr(callback, "__wrapped__", None) is not None:
            callback = callback.__wrapped__
        else:
            break
    return callback


def _is_api_builtin(inner: Any) -> bool:
    """The API root, docs, OpenAPI schema and unknown-path answer: ninja's own views and the API class's."""
    module = getattr(inner, "__module__", "") or ""
    if module.startswith("ninja.") and _ninja_operations(inner) == []:
        return True
    return module == "config.api"


def all_routes() -> Iterator[Route]:
    def walk(patterns, prefix: str) -> Iterator[Route]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            path = prefix + str(pattern.pattern)
            callback = pattern.callback
            inner = _innermost(callback)
            operations = _ninja_operations(inner)
            if operations:
                for operation in operations:
                    yield Route(path, pattern.name, operation.view_func, ",".join(operation.methods))
                continue
            if _is_api_builtin(inner):
                yield Route(path, pattern.name, inner, api_builtin=True)
                continue
            operations = _ninja_operations(callback)
            if operations is not None:
                for operation in operations:
                    yield Route(path, pattern.name, operation.view_func, ",".join(operation.methods))
                continue
            yield Route(path, pattern.name, _unwrap(callback))

    yield from walk(get_resolver().url_patterns, "")


def is_allowlisted(route: Route) -> bool:
    if route.api_builtin:
        return True
    if route.path.startswith(ALLOWED_PATH_PREFIXES):
        return True
    module = getattr(route.view, "__module__", "") or ""
    if inspect.isclass(route.view):
        module = route.view.__module__
    return module.startswith(ALLOWED_MODULE_PREFIXES) or module.startswith("ninja.")


def person_routes() -> list[Route]:
    return [route for route in all_routes() if route.declaration is not None]
