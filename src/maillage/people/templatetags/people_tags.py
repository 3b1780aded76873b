"""Small template helpers of the person pages."""

from django import template

from maillage.access.enums import Category

register = template.Library()


@register.filter
def category_labels(values: list[str]) -> str:
    """A consent's stored category codes as words: "Identity and contact, Health"."""
    return ", ".join(str(Category(value).label) for value in values if value in Category.values)
