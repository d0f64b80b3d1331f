"""Forms for the steps of an alarm's disposal and for raising one by hand."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sunlight.alarms.models import MANUAL_KINDS, Alarm, AlarmKind, Transition
from sunlight.orgs.models import LEADER_POST_KINDS, Assignment, Organisation

TEXT_LABELS = {
    Transition.EXPLAIN: _("Explanation of the unit"),
    Transition.VERIFY: _("Findings of the verification"),
    Transition.DISMISS: _("Reasons for dismissing"),
    Transition.LETTER: _("Recommendations (the letter's text)"),
    Transition.ACCOUNTABILITY: _("Grounds for accountability"),
    Transition.RECTIFY: _("Rectification done (the unit's reply)"),
    Transition.CLOSE: _("Note on closing"),
}


class TransitionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000)

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", transition.value)
        super().__init__(*args, **kwargs)
        self.transition = transition
        self.fields["text"].label = TEXT_LABELS[transition]
        self.fields["text"].required = transition != Transition.CLOSE


class AssignmentChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} · {obj.post.name}（{obj.post.organisation.name}）"


class AccountabilityForm(TransitionForm):
    responsible = AssignmentChoice(queryset=Assignment.objects.none(), label=_("Person directly responsible"))
    leader = AssignmentChoice(queryset=Assignment.objects.none(), label=_("Leader in charge"))

    field_order = ["responsible", "leader", "text"]

    def __init__(self, *args: Any, alarm: Alarm, **kwargs: Any) -> None:
        super().__init__(*args, transition=Transition.ACCOUNTABILITY, **kwargs)
        staff = (
            Assignment.objects.current(timezone.localdate())
            .filter(post__organisation__unit_id=alarm.unit_id, post__is_active=True)
            .select_related("person", "post__organisation")
            .order_by("post__organisation__sort", "post__code", "pk")
        )
        self.fields["responsible"].queryset = staff  # type: ignore[attr-defined]
        self.fields["leader"].queryset = staff.filter(post__kind__in=LEADER_POST_KINDS)  # type: ignore[attr-defined]


class RaiseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Situation"), choices=[(k.value, k.label) for k in MANUAL_KINDS])
    unit = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("Unit concerned"))
    message = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )
    subject = forms.CharField(
        label=_("Case or document number"), required=False, max_length=64, help_text=_("Optional.")
    )

    def __init__(self, *args: Any, unit_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Organisation.objects.units().active().order_by("sort", "code")
        if unit_ids is not None:
            units = units.filter(pk__in=unit_ids)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["kind"].initial = AlarmKind.OTHER


class FilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("open", _("Open")),
            ("to_explain", _("To explain")),
            ("to_rectify", _("Rectification due")),
            ("to_verify", _("To verify or decide")),
            ("stage_overdue", _("Stage overdue")),
            ("all", _("All")),
        ],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    unit = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False, label=_("Unit"))

    def __init__(self, *args: Any, unit_ids: set[int] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *AlarmKind.choices]  # type: ignore[attr-defined]
        units = Organisation.objects.units().order_by("sort", "code")
        if unit_ids is not None:
            units = units.filter(pk__in=unit_ids)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
