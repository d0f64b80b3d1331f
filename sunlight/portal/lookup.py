"""Finding a citizen's own case by case number and query code, throttled per client (S7)."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sunlight.cases.actions import code_opens
from sunlight.cases.models import Case
from sunlight.portal import throttle
from sunlight.portal.models import ThrottleScope

# One answer for a wrong number and a wrong code: the page is no oracle for case numbers.
NO_MATCH = _("No case matches this number and query code. Check both on your receipt.")


class CaseCodeForm(forms.Form):
    number = forms.CharField(
        label=_("Case number"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        label=_("Query code"),
        max_length=16,
        help_text=_("Printed on your acceptance receipt."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


def throttled_message(retry_after: int) -> str:
    return str(
        _(
            "Too many wrong case numbers or query codes were tried from this computer. "
            "For your safety, look-ups are paused: try again in %(seconds)s seconds."
        )
        % {"seconds": retry_after}
    )


def find_case(request: HttpRequest, number: str, code: str) -> Case | None:
    """The case, when number and code match; None otherwise. Raises throttle.Throttled."""
    key = throttle.check(request, ThrottleScope.CASE_QUERY)
    found = (
        Case.objects.select_related("definition", "owner", "applicant", "result_document")
        .filter(number=number.strip().upper())
        .first()
    )
    if found is None:
        code_opens(None, "", number, code)  # the same work as for a known number
    elif code_opens(found.number, found.query_code_digest, number, code):
        return found
    throttle.failed(ThrottleScope.CASE_QUERY, key)
    return None
