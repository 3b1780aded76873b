"""The site's own address, for links that leave the browser (e-mails, calendar files)."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` on the site named by `SITE_URL` (the development server when unset)."""
    return getattr(settings, "SITE_URL", "http://127.0.0.1:8000").rstrip("/") + path
