"""Form widgets that render the same HTML as Django's, more cheaply."""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict) -> str:
    """What Django's `django/forms/widgets/attrs.html` writes: ` name` for True, nothing for False,
    ` name="value"` otherwise, in the dictionary's order, escaped."""
    html = []
    for name, value in attrs.items():
        if value is True:
            html.append(f" {conditional_escape(name)}")
        elif value is not False:
            html.append(f' {conditional_escape(name)}="{conditional_escape(value)}"')
    return "".join(html)


class InlineSelect(forms.Select):
    """Django's `Select`, byte for byte, written in Python: its templates render each option through two includes
    (`select_option.html`, then `attrs.html`) and a dozen variable lookups, which for the directory's need filter
    (over a hundred options) made a third of the search page's CPU. The form renderer is not used; the HTML is
    the one of Django's `select.html` (tests compare the two).
    """

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            html.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attributes(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
                for option in group_choices
            )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)
