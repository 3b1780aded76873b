from django.contrib import admin
from django.urls import include, path

from config.api import api
from maillage.accounts.urls import webauthn_urlpatterns
from maillage.core import views as core_views
from maillage.core import views_ops
from maillage.directory.hsds import api as hsds_api

# The API authenticates by itself; these prefixes hold operations open to the public (the partner directory),
# so LoginRequiredMiddleware lets them through. Every other API path still requires a login.
PUBLIC_API_PREFIXES = ("directory/",)
api_patterns, api_app_name, api_namespace = api.urls
for api_pattern in api_patterns:
    if str(api_pattern.pattern).startswith(PUBLIC_API_PREFIXES):
        api_pattern.callback.login_required = False

urlpatterns = [
    path("healthz", views_ops.healthz, name="healthz"),
    path("readyz", views_ops.readyz, name="readyz"),
    path("metrics", views_ops.metrics_view, name="metrics"),
    path("", include("maillage.core.urls")),
    path("accounts/", include("maillage.accounts.urls")),
    path("accounts/mfa/webauthn/", include((webauthn_urlpatterns, "otp_webauthn"))),
    path("directory/", include("maillage.directory.urls")),
    path("people/", include("maillage.people.urls")),
    path("consent/", include("maillage.consent.urls")),
    path("access/", include("maillage.access.urls")),
    path("projects/", include("maillage.projects.urls")),
    path("coordination/", include("maillage.coordination.urls")),
    path("network/", include("maillage.governance.urls")),
    path("referrals/", include("maillage.referrals.urls")),
    path("analytics/", include("maillage.analytics.urls")),
    path("trust/", include("maillage.analytics.trust_urls")),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("api/v1/", (api_patterns, api_app_name, api_namespace)),
    path("api/hsds/", hsds_api.urls()),
    path("admin/", admin.site.urls),
]
handler400 = "maillage.core.views.bad_request"
handler403 = "maillage.core.views.permission_denied"
handler404 = "maillage.core.views.page_not_found"
handler500 = "maillage.core.views.server_error"
