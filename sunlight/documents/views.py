"""Public verification of sealed documents (文书验真): by number, and by the file itself."""

from __future__ import annotations

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sunlight.documents import access, actions, seals
from sunlight.documents.models import Document
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Role

MAX_UPLOAD = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("The PDF file to check"))

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(gettext_lazy("The file is larger than 20 MB."))
        return upload


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, number: str | None = None) -> HttpResponse:
    registered = (
        get_object_or_404(Document.objects.select_related("issuer"), number=number) if number else None
    )
    form = VerifyForm(request.POST or None, request.FILES or None)
    verdict = None
    if request.method == "POST" and form.is_valid():
        verdict = actions.verify(form.cleaned_data["file"].read())
    return render(
        request, "documents/verify.html", {"form": form, "registered": registered, "verdict": verdict}
    )


def ca_certificate(request: HttpRequest) -> HttpResponse:
    """The seal authority's certificate, to check seals with any PDF reader."""
    response = HttpResponse(seals.ca_pem(), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="wangcheng-seal-ca.pem"'
    return response


@role_required(Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)
def download(request: HttpRequest, number: str) -> FileResponse:
    document = Document.objects.select_related("issuer").filter(number=number).first()
    # Not found and not allowed look the same: numbers are sequential and easy to guess.
    if document is None or not access.may_download(request, document):
        raise Http404
    return FileResponse(document.file.open("rb"), content_type="application/pdf", filename=f"{number}.pdf")
