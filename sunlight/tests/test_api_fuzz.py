"""Fuzzing the REST API from its own OpenAPI schema (schemathesis): no 5xx, no answer outside the schema.

Every operation is called with generated input, as a verified inspector (who may read
everything) and as a verified administrator, through the WSGI application in-process.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings

from sunlight.test import PersonaFields, create_personas, totp_device

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


def signed_in_headers(user: Any) -> dict[str, str]:
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = totp_device(user).persistent_id
    session.save()
    client.get("/accounts/security/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    cookies = f"sessionid={client.cookies['sessionid'].value}; csrftoken={csrf}"
    return {"Cookie": cookies, "X-CSRFToken": csrf}


@pytest.fixture
def sessions(db: None) -> Iterator[list[dict[str, str]]]:
    """A verified inspector (reads everything) and a verified administrator (manages the register).

    While the fuzzing runs, the test's database connection is kept across requests, as Django's
    test client does: called directly, the WSGI application closes connections when a request
    ends, which on PostgreSQL closes the connection holding the test's transaction.
    """
    people = PersonaFields()
    create_personas(people)
    headers = [signed_in_headers(people.inspector), signed_in_headers(people.admin)]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield headers
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_it_answers_every_api_operation_within_its_schema(case: Any, sessions: list[dict[str, str]]) -> None:
    for headers in sessions:
        response = case.call(headers=headers)
        case.validate_response(response)
