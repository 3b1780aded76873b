"""Small template helpers of the person pages."""

from django import template

from maillage.access.enums import Category

register = template.Library()


@register.filter
def category_labels(values: list[str]) -> str:
    """A consent's stored category codes as words: "Identity and contact, Health"."""
    return ", ".join(str(Category(value).label) for value in values if value in Category.values)


@register.inclusion_tag("people/_team.html")
def team_around(actor, person, categories=None, own_space=False) -> dict:
    """`{% team_around ctx.actor person ctx.categories %}`: the team block (people/team.py) on any page that holds
    a person let through the door; empty unless the viewer is the person or may see their coordination data."""
    from maillage.people.team import team_for

    return {"team": team_for(actor, person, categories=categories), "own_space": own_space}
