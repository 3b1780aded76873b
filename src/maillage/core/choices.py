"""Choices offered in French dictionary order (accents and case aside), whatever the database's collation:
SQLite and PostgreSQL's "C" order put "CPAS" before "Centre" and "Écoute" after "Zèbre"."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

from maillage.core.text import collation_key


class CollatedChoiceIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[tuple[Any, str]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        choices = [self.choice(obj) for obj in self.queryset]
        yield from sorted(choices, key=lambda choice: collation_key(str(choice[1])))


class CollatedModelChoiceField(forms.ModelChoiceField):
    iterator = CollatedChoiceIterator
