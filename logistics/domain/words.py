"""The shape every stored word of the hub's vocabulary shares: a string enum (so stored
values stay as they are) whose English label, in one table per enum, is what people
read, translated into the chosen language."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from logistics.i18n import _


class Word(StrEnum):
    @classmethod
    def _labels(cls) -> Mapping[Word, str]:
        raise NotImplementedError

    @property
    def english(self) -> str:
        """The English words whatever the language (the English half of bilingual paper)."""
        return self._labels()[self]

    @property
    def label(self) -> str:
        """How the word reads in a sentence, in the chosen language."""
        return _(self.english)

    @classmethod
    def label_of(cls, stored: str) -> str:
        """The label of a value as stored; an unknown value reads as itself."""
        try:
            return cls(stored).label
        except ValueError:
            return str(stored)
