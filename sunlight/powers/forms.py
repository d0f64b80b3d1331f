"""Forms for a power version and its parts. They parse; the rules are in content.check()."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from sunlight.lib.money import from_decimal, to_decimal
from sunlight.orgs.models import Organisation, OrgKind, Post
from sunlight.powers.content import (
    AccountabilityData,
    FeeData,
    LegalBasisData,
    MaterialData,
    PowerData,
    SpecialProcedureData,
)
from sunlight.powers.models import (
    BasisKind,
    BodyNature,
    ExerciseLevel,
    LimitUnit,
    PowerCategory,
    ResponsibilityStage,
)
from sunlight.powers.models import MaterialForm as MaterialKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 2})


class PowerForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=32, help_text=_("Body-type-number, e.g. WC-CZJ-XK-0001."), required=False
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=PowerCategory.choices)
    implementing_body = forms.CharField(label=_("Implementing body"), max_length=100)
    body_nature = forms.ChoiceField(label=_("Nature of the implementing body"), choices=BodyNature.choices)
    entrusting_body = forms.CharField(label=_("Entrusting body"), max_length=100, required=False)
    office = forms.ModelChoiceField(
        label=_("Responsible office"),
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="code",
    )
    posts = forms.ModelMultipleChoiceField(
        label=_("Responsible posts"), queryset=Post.objects.none(), required=False, to_field_name="code"
    )
    exercise_level = forms.ChoiceField(label=_("Level of exercise"), choices=ExerciseLevel.choices)
    statutory_limit = forms.IntegerField(
        label=_("Statutory time limit"), min_value=0, max_value=999, required=False
    )
    statutory_limit_unit = forms.ChoiceField(
        label=_("Unit of the statutory limit"), choices=LimitUnit.choices
    )
    committed_limit = forms.IntegerField(
        label=_("Committed time limit"), min_value=0, max_value=999, required=False
    )
    committed_limit_unit = forms.ChoiceField(
        label=_("Unit of the committed limit"), choices=LimitUnit.choices
    )
    extension_rule = forms.CharField(label=_("Extension rule"), widget=TEXT, required=False)
    conditions = forms.CharField(label=_("Conditions"), widget=TEXT, required=False)
    result_document = forms.CharField(label=_("Result document"), max_length=200, required=False)
    consultation_phone = forms.CharField(label=_("Consultation phone"), max_length=40, required=False)
    complaint_phone = forms.CharField(label=_("Complaint phone"), max_length=40, required=False)
    service_place = forms.CharField(label=_("Place of service"), max_length=200, required=False)
    service_hours = forms.CharField(label=_("Service hours"), max_length=100, required=False)
    visits_needed = forms.IntegerField(label=_("Visits needed"), min_value=0, max_value=99, initial=1)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)
    sub_items = forms.CharField(
        label=_("Sub-items"), widget=TEXT, required=False, help_text=_("One sub-item per line.")
    )

    def __init__(self, *args: Any, unit: Organisation, with_code: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            kind=OrgKind.OFFICE, unit=unit
        ).order_by("sort")
        self.fields["posts"].queryset = Post.objects.filter(  # type: ignore[attr-defined]
            organisation__unit=unit
        ).select_related("organisation")
        if with_code:
            self.fields["code"].required = True
        else:
            del self.fields["code"]


class SubFormBase(forms.Form):
    # A row whose main field is empty is an unused blank row, whatever its selects say.
    main_field = "name"

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get(self.main_field) or bool(data.get("DELETE"))


class LegalBasisForm(SubFormBase):
    main_field = "law"
    kind = forms.ChoiceField(label=_("Kind"), choices=BasisKind.choices)
    law = forms.CharField(label=_("Law or regulation"), max_length=200, required=False)
    article = forms.CharField(label=_("Article"), max_length=100, required=False)
    text = forms.CharField(label=_("Text"), widget=TEXT, required=False)
    effective_from = forms.DateField(label=_("Effective from"), widget=DATE, required=False)
    effective_until = forms.DateField(label=_("Effective until"), widget=DATE, required=False)


class SpecialProcedureForm(SubFormBase):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    max_days = forms.IntegerField(label=_("Maximum days"), min_value=0, max_value=999, required=False)
    basis = forms.CharField(label=_("Basis"), max_length=300, required=False)
    counted_in_limit = forms.BooleanField(label=_("Counted in the time limit"), required=False)


class FeeForm(SubFormBase):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=Decimal(0), decimal_places=2, required=False
    )
    standard = forms.CharField(label=_("Standard"), max_length=300, required=False)
    basis = forms.CharField(label=_("Basis"), max_length=300, required=False)


class MaterialForm(SubFormBase):
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    form = forms.ChoiceField(label=_("Form"), choices=MaterialKind.choices)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=99, initial=1)
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    sample_file = forms.FileField(label=_("Sample file"), required=False)
    sample_name = forms.CharField(widget=forms.HiddenInput, required=False)


class AccountabilityForm(SubFormBase):
    main_field = "situation"
    stage = forms.ChoiceField(label=_("Stage"), choices=ResponsibilityStage.choices)
    situation = forms.CharField(label=_("Situation"), widget=TEXT, required=False)


PART_FORMS = {
    "legal_bases": (LegalBasisForm, _("Legal bases")),
    "special_procedures": (SpecialProcedureForm, _("Special procedures")),
    "fees": (FeeForm, _("Fees")),
    "materials": (MaterialForm, _("Materials")),
    "accountability": (AccountabilityForm, _("Accountability")),
}


def part_formsets(data: Any = None, files: Any = None, initial: PowerData | None = None) -> dict[str, Any]:
    """One formset per kind of part, with two blank rows to add to (no JavaScript needed)."""
    formsets = {}
    for key, (form_class, _label) in PART_FORMS.items():
        rows: list[dict[str, Any]] = []
        if initial is not None:
            for part in getattr(initial, key):
                row = dict(vars(part))
                if key == "fees":
                    fen = row.pop("amount_fen")
                    row["amount"] = to_decimal(fen) if fen is not None else None
                if key == "materials":
                    row["sample_name"] = row.pop("sample")
                rows.append(row)
        factory = formset_factory(form_class, extra=2, can_delete=True)
        formsets[key] = factory(data, files, initial=rows or None, prefix=key)
    return formsets


def _sample(row: dict[str, Any]) -> str:
    upload: UploadedFile[bytes] | None = row.get("sample_file")
    if upload is not None:
        return default_storage.save(f"powers/samples/{upload.name}", upload)
    return str(row.get("sample_name") or "")


def to_data(form: PowerForm, formsets: dict[str, Any]) -> PowerData:
    c = form.cleaned_data
    rows = {key: [f.cleaned_data for f in fs.forms if not f.is_blank()] for key, fs in formsets.items()}
    return PowerData(
        name=c["name"],
        category=c["category"],
        implementing_body=c["implementing_body"],
        body_nature=c["body_nature"],
        entrusting_body=c["entrusting_body"],
        office=c["office"].code if c["office"] else "",
        posts=tuple(p.code for p in c["posts"]),
        exercise_level=c["exercise_level"],
        statutory_limit=c["statutory_limit"],
        statutory_limit_unit=c["statutory_limit_unit"],
        committed_limit=c["committed_limit"],
        committed_limit_unit=c["committed_limit_unit"],
        extension_rule=c["extension_rule"],
        conditions=c["conditions"],
        result_document=c["result_document"],
        consultation_phone=c["consultation_phone"],
        complaint_phone=c["complaint_phone"],
        service_place=c["service_place"],
        service_hours=c["service_hours"],
        visits_needed=c["visits_needed"],
        valid_from=c["valid_from"],
        valid_until=c["valid_until"],
        sub_items=tuple(line.strip() for line in c["sub_items"].splitlines() if line.strip()),
        legal_bases=tuple(
            LegalBasisData(
                r["kind"], r["law"], r["article"], r["text"], r["effective_from"], r["effective_until"]
            )
            for r in rows["legal_bases"]
        ),
        special_procedures=tuple(
            SpecialProcedureData(r["name"], r["max_days"] or 0, r["basis"], r["counted_in_limit"])
            for r in rows["special_procedures"]
        ),
        fees=tuple(
            FeeData(
                r["name"],
                from_decimal(r["amount"]) if r["amount"] is not None else None,
                r["standard"],
                r["basis"],
            )
            for r in rows["fees"]
        ),
        materials=tuple(
            MaterialData(r["name"], r["form"], r["copies"] or 1, r["required"], _sample(r))
            for r in rows["materials"]
        ),
        accountability=tuple(AccountabilityData(r["stage"], r["situation"]) for r in rows["accountability"]),
    )


def initial_of(data: PowerData) -> dict[str, Any]:
    initial = {k: v for k, v in data.as_dict().items() if not isinstance(v, list | tuple)}
    initial["posts"] = list(data.posts)
    initial["sub_items"] = "\n".join(data.sub_items)
    return initial


class ReturnForm(forms.Form):
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, min_length=4
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
