"""User-facing messages of the domain: Vietnamese templates, translated by the callers.

The domain never imports a translation library. A message is a template marked with
``N_`` (so ``pybabel extract -k N_`` finds it) plus named parameters; the web layer
looks the template up in the user's language and fills it (``services.translate``).
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message template for translation extraction; return it unchanged."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark a message with a context (``pybabel extract -k NP_:1c,2``): one Vietnamese word may
    name different things in English ("Quyết định": the Decisions page, a Decision #1); the
    caller translates it with ``pgettext(context, message)``. Returns the message unchanged."""
    return message


class Templated:
    """Mixin for frozen dataclasses with ``template`` and ``params`` fields."""

    template: str
    params: tuple[tuple[str, str], ...]

    @property
    def message(self) -> str:
        """The template filled in, in Vietnamese (the source language)."""
        return self.template.format(**dict(self.params))
