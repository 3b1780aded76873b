"""Form widgets that render the same HTML as Django's, more cheaply."""

from django import forms


class InlineSelect(forms.Select):
    """Django's `Select`, byte for byte, with its options written in the loop instead of one template include
    per option (`select_option.html`, then `attrs.html`): a select of a hundred options (the directory's need
    filter) costs a hundred includes and context pushes on every page otherwise.

    A `Select`'s option carries no attribute but `selected` (`option_inherits_attrs` is False), which is all the
    template writes.
    """

    template_name = "core/widgets/select.html"
