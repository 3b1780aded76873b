from django import template

from maillage.access.enums import Category

register = template.Library()


@register.filter
def category_label(value: str) -> str:
    """A data category's label (its stored value is a code)."""
    return str(Category(value).label) if value in Category.values else ""
