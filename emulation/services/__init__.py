"""Services: the verbs between views and models.

Each takes the acting user as an argument (never ``current_user``), loads rows,
calls the pure domain, writes in one transaction and records an AuditEvent.
A refusal a person can fix is a :class:`ServiceError` with a Vietnamese message.
"""
from __future__ import annotations


class ServiceError(Exception):
    """A refusal with a message for the user (already translated) and optional details.

    ``field`` names the form field at fault; ``problems`` lists one line per problem
    (e.g. the rows of an import that were wrong).
    """

    def __init__(self, message: str, field: str | None = None,
                 problems: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.problems = list(problems)


class CriterionErrors(ServiceError):
    """Values refused, one message per criterion code (``errors``); nothing was saved."""

    def __init__(self, message: str, errors: dict[str, str]) -> None:
        super().__init__(message, problems=list(errors.values()))
        self.errors = errors


def translate(problem: object) -> str:
    """A domain message (``template`` marked ``N_``, ``params``) in the user's language."""
    from flask_babel import get_translations

    template = get_translations().ugettext(problem.template)  # type: ignore[attr-defined]
    return template.format(**dict(problem.params))  # type: ignore[attr-defined]
