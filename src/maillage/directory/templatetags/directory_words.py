"""Directory values in words for templates: `{{ service.opening_hours|opening_hours_lines }}`."""

from django import template

from maillage.directory.hours import opening_hours_lines as lines

register = template.Library()


@register.filter
def opening_hours_lines(expression: str) -> list[str]:
    return lines(expression)
