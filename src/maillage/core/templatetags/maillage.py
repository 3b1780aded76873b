from django import template

from maillage.core.navigation import optional_url as _optional_url

register = template.Library()


@register.simple_tag
def optional_url(url_name: str, *args: object) -> str:
    """`{% optional_url "people:person_list" as url %}{% if url %}…{% endif %}`: empty when the view does not exist."""
    return _optional_url(url_name, *args) or ""
