"""Putting an action's ValidationError back on the form that collected the input."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Attach each message to its field when the form has it, else to the form as a whole."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target, item.messages)
    else:
        form.add_error(None, error.messages)
