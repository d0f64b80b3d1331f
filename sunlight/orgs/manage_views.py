"""The district administrators' pages: organisations, posts, people, assignments, Excel."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import AccountKind, User
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.lib.forms import apply_errors
from sunlight.orgs import actions, excel
from sunlight.orgs.access import role_required
from sunlight.orgs.forms import AssignmentForm, ImportForm, OrganisationForm, PersonForm, PostForm
from sunlight.orgs.models import Assignment, Organisation, Role
from sunlight.orgs.views import unit_overview_context

admin_only = role_required(Role.ADMINISTRATION)


@admin_only
def manage(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    units = Organisation.objects.units().annotate(post_count=Count("posts")).order_by("sort", "code")
    staff = dict(
        Assignment.objects.current(today)
        .values_list("post__organisation__unit_id")
        .annotate(n=Count("person", distinct=True))
        .values_list("post__organisation__unit_id", "n")
    )
    offices = dict(
        Organisation.objects.filter(kind="office")
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    rows = [(u, offices.get(u.pk, 0), staff.get(u.pk, 0), u.post_count) for u in units]  # type: ignore[attr-defined]
    return render(
        request,
        "orgs/manage.html",
        {
            "rows": rows,
            "unit_count": len(rows),
            "people_count": User.objects.filter(kind=AccountKind.PERSON, is_active=True).count(),
            "post_count": sum(row[3] for row in rows),
        },
    )


@admin_only
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.select_related("parent", "unit"), pk=pk)
    context = unit_overview_context(org.unit or org)
    context["org"] = org
    context["children"] = org.children.order_by("sort", "code")
    return render(request, "orgs/organisation_detail.html", context)


@admin_only
@require_http_methods(["GET", "POST"])
def organisation_new(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            org = actions.create_organisation(Actor.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is created.") % {"name": org.name})
            return redirect("orgs:organisation", pk=org.pk)
    return render(request, "orgs/form_page.html", {"form": form, "title": _("New organisation")})


@admin_only
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest) -> HttpResponse:
    form = PostForm(request.POST or None, initial={"organisation": request.GET.get("organisation")})
    if request.method == "POST" and form.is_valid():
        try:
            post = actions.create_post(Actor.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Post %(code)s is created.") % {"code": post.code})
            return redirect("orgs:organisation", pk=post.organisation_id)
    return render(request, "orgs/form_page.html", {"form": form, "title": _("New post")})


@admin_only
def people(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    people = User.objects.filter(kind=AccountKind.PERSON).order_by("username")
    if query:
        people = people.filter(Q(username__icontains=query) | Q(full_name__icontains=query))
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    holders = {
        a.person_id: a
        for a in Assignment.objects.current(today)
        .filter(person__in=list(page.object_list))
        .select_related("post__organisation")
    }
    rows = [(person, holders.get(person.pk)) for person in page]
    return render(request, "orgs/people.html", {"page": page, "rows": rows, "query": query})


@admin_only
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = account_actions.create_person(
                Actor.from_request(request),
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                email=data["email"],
                password=data["password"] or None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("%(name)s is created. Now assign a post.") % {"name": person.full_name}
            )
            return redirect(f"{reverse('orgs:assignment_new')}?person={person.pk}")
    return render(request, "orgs/form_page.html", {"form": form, "title": _("New person")})


@admin_only
@require_http_methods(["GET", "POST"])
def assignment_new(request: HttpRequest) -> HttpResponse:
    form = AssignmentForm(
        request.POST or None,
        initial={"person": request.GET.get("person"), "valid_from": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assignment = actions.assign_post(Actor.from_request(request), **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(person)s now holds %(post)s.") % {"person": assignment.person, "post": assignment.post},
            )
            return redirect("orgs:people")
    return render(request, "orgs/form_page.html", {"form": form, "title": _("Assign a post")})


@admin_only
@require_http_methods(["GET", "POST"])
def import_export(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = excel.import_workbook(Actor.from_request(request), form.cleaned_data["file"])
        if report.ok:
            messages.success(request, _("The workbook is imported."))
    return render(request, "orgs/import_export.html", {"form": form, "report": report})


@admin_only
def export(request: HttpRequest) -> HttpResponse:
    # An export of everyone's names and phones is a sensitive read: it leaves a leaf.
    appended_atomically(Actor.from_request(request), "orgs.export_register", ("orgs.register", "all"))
    response = HttpResponse(
        excel.export_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sunlight-orgs-{stamp}.xlsx"'
    return response
