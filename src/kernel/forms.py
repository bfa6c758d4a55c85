"""Forms beside the services: the runner that shows a service's refusal on its form, and the
form of a versioned record.

Forms parse; services decide. A view calls a service through :func:`form_run_service`, so
a ``ValidationError`` (or someone else's save, :class:`kernel.records.ConcurrentEdit`)
appears on the form the user filled in, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms

from kernel.records import ConcurrentEdit

Result = TypeVar("Result")


def form_run_service(form: forms.Form, call: Callable[[], Result]) -> Result | None:
    """Call a service; show its refusal (validation or a concurrent edit) on the form.
    Returns the service's result, or None when it refused."""
    try:
        return call()
    except ConcurrentEdit as error:
        form.add_error(None, str(error.message))
    except forms.ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, field_errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, field_errors)
        else:
            form.add_error(None, error)
    return None


class VersionedForm(forms.Form):
    """The form of a change to a stored record: carries, hidden, the version the user saw,
    which the service's compare-and-set checks (``kernel.records.record_update``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
