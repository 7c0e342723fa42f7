"""Errors that users see.

Every bad input in herz ends in a :class:`ParameterError` that names the field,
the value and what is allowed, so the command line can print it on one line and
a notebook user knows at once what to change.
"""

from __future__ import annotations

from typing import Any


class HerzError(Exception):
    """Base class of every error herz raises on purpose."""


class ParameterError(HerzError, ValueError):
    """A parameter or argument has a value that is not allowed.

    The message always reads ``FIELD = VALUE: WHAT IS ALLOWED``.
    """

    def __init__(self, field: str, value: Any, allowed: str) -> None:
        self.field = field
        self.value = value
        self.allowed = allowed
        super().__init__(f"{field} = {value!r}: {allowed}")


def _float(field: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        raise ParameterError(field, value, "must be a number") from None


def require_nonnegative(field: str, value: float) -> float:
    """Return ``value`` as a float, or raise if it is negative or not finite."""
    v = _float(field, value)
    if not v >= 0.0 or v == float("inf"):
        raise ParameterError(field, value, "must be a finite number >= 0")
    return v


def require_positive(field: str, value: float) -> float:
    """Return ``value`` as a float, or raise if it is not a finite number > 0."""
    v = _float(field, value)
    if not v > 0.0 or v == float("inf"):
        raise ParameterError(field, value, "must be a finite number > 0")
    return v


def require_finite(field: str, value: float) -> float:
    """Return ``value`` as a float, or raise if it is NaN or infinite."""
    v = _float(field, value)
    if v != v or v in (float("inf"), float("-inf")):
        raise ParameterError(field, value, "must be a finite number")
    return v


def require_probability(field: str, value: float) -> float:
    """Return ``value`` as a float, or raise if it lies outside [0, 1]."""
    v = _float(field, value)
    if not 0.0 <= v <= 1.0:
        raise ParameterError(field, value, "must be between 0 and 1")
    return v


def require_choice(field: str, value: str, allowed: list[str] | tuple[str, ...]) -> str:
    """Return ``value`` if it is one of ``allowed``, or raise naming the options."""
    if value not in allowed:
        raise ParameterError(field, value, "must be one of " + ", ".join(map(str, allowed)))
    return value
