"""The API reference at ``/api/docs/``: generated from the live schema (every operation in it,
the request fields of a submission as its serializer defines them), public, and under the
site's own Content Security Policy (no override, unlike Swagger UI)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains

from harbour.api import serializers
from harbour.api.docs_views import schema_document
from harbour.api.models import Scope

pytestmark = pytest.mark.django_db

URL = "/api/docs/"


def _section(html: str, anchor: str) -> str:
    """The ``<section>`` of one operation, by its heading's id."""
    start = html.index(f'<section aria-labelledby="{anchor}"')
    return html[start : html.index("</section>", start)]


def _row(name: str, type_: str, required: bool) -> str:
    return (
        f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">'
        f"<code>{name}</code></th>"
        f'<td class="govuk-table__cell">{type_}</td>'
        f'<td class="govuk-table__cell">{"Yes" if required else "No"}</td>'
    )


def test_the_reference_lists_every_operation_in_the_schema(client: Any) -> None:
    document = schema_document()
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    operations = [
        (method.upper(), path, spec["operationId"])
        for path, item in document["paths"].items()
        for method, spec in item.items()
    ]
    assert len(operations) == 8
    for method, path, operation_id in operations:
        anchor = operation_id.replace("_", "-")
        assertInHTML(
            f'<h3 class="govuk-heading-m" id="{anchor}">{method} {path}</h3>', html, count=1
        )
        # The contents list links to it.
        assertInHTML(f'<a class="govuk-link" href="#{anchor}">{method} {path}</a>', html, count=1)
        assertContains(response, escape(document["paths"][path][method.lower()]["summary"]))
    for tag in {spec["tags"][0] for item in document["paths"].values() for spec in item.values()}:
        anchor = "tag-" + tag.lower().replace(" ", "-")
        assertInHTML(
            f'<h2 class="govuk-heading-l govuk-!-margin-top-9" id="{anchor}">{tag}</h2>', html
        )
    # The introduction: how to authenticate, errors, rate limit, the raw schema, Swagger UI.
    assertContains(response, "Authorization: Bearer hbr_")
    assertContains(response, f'href="{reverse("api:credentials")}"')
    assertContains(response, "RFC 9457")
    assertContains(response, f'href="{reverse("api:schema")}"')
    assertInHTML(
        f'<a class="govuk-link" href="{reverse("api:swagger")}">'
        "interactive explorer (third-party; not fully accessible)</a>",
        html,
    )


def test_the_rate_limit_shown_is_the_configured_one(client: Any, settings: Any) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"partner": "30/hour"},
    }
    response = client.get(URL)
    assertContains(response, "30 requests per hour")
    assertNotContains(response, "per minute")


def test_the_referral_submission_shows_its_request_fields(client: Any) -> None:
    html = client.get(URL).content.decode()
    section = _section(html, "referral-submit")
    assertInHTML(
        '<h3 class="govuk-heading-m" id="referral-submit">POST /api/v1/referrals/</h3>', section
    )
    assertInHTML(
        '<dd class="govuk-summary-list__value"><code>referrals:write</code> '
        f"({Scope.REFERRALS_WRITE.label})</dd>",
        section,
    )
    assertInHTML('<dd class="govuk-summary-list__value">Required</dd>', section)
    # Every field the serializer accepts is a row, nested ones dotted.
    submit = serializers.ReferralSubmitSerializer()
    for name, serializer_field in submit.fields.items():
        assert f"<code>{name}</code>" in section, name
        for child_name in getattr(serializer_field, "fields", {}):
            assert f"<code>{name}.{child_name}</code>" in section, f"{name}.{child_name}"
    assert "<code>area</code></th>" in section
    assertInHTML(
        _row("area", "string", True)
        + '<td class="govuk-table__cell">The short code of the child\'s area, e.g. northbrook'
        "</td></tr>",
        section,
    )
    assertInHTML(
        _row("concern.narrative", "string", True)
        + '<td class="govuk-table__cell">What happened</td></tr>',
        section,
    )
    # A choice field lists its values (from the serializer's choices).
    categories = submit.fields["concern"].fields["categories"].child.choices
    assert categories
    row = re.search(
        r"<tr[^>]*>\s*<th[^>]*><code>concern\.categories</code>.*?</tr>", section, re.DOTALL
    )
    assert row is not None
    assert "array of string" in row.group(0)
    for value, label in categories.items():
        assertInHTML(f"<li><code>{value}</code> ({label})</li>", row.group(0))
    # The responses: the success one and the problems, with their descriptions.
    assertInHTML('<th scope="row" class="govuk-table__header">201</th>', section)
    assertInHTML(
        '<td class="govuk-table__cell">The Idempotency-Key was already used for a different '
        "request (a problem)</td>",
        section,
    )


def test_an_operation_without_a_body_or_a_key_says_so(client: Any) -> None:
    html = client.get(URL).content.decode()
    section = _section(html, "referral-outcome")
    assertInHTML(
        '<dd class="govuk-summary-list__value"><code>referrals:read</code> '
        f"({Scope.REFERRALS_READ.label})</dd>",
        section,
    )
    assertInHTML('<dd class="govuk-summary-list__value">Not needed</dd>', section)
    assertInHTML(
        '<h4 class="govuk-heading-s">Request body</h4><p class="govuk-body">None.</p>', section
    )
    assertInHTML(
        _row("referral_id", "string (uuid)", True) + "<td class='govuk-table__cell'></td></tr>",
        section,
    )
    known = _section(html, "child-known")
    assertInHTML(
        f'<dd class="govuk-summary-list__value"><code>children:query</code> '
        f"({Scope.CHILDREN_QUERY.label})</dd>",
        known,
    )
    assertInHTML('<dd class="govuk-summary-list__value">Not needed</dd>', known)


def test_the_reference_needs_no_sign_in_and_sends_the_site_policy(client: Any) -> None:
    response = client.get(URL)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assertContains(response, '<h1 class="govuk-heading-l">API reference</h1>', html=True)
    policy = response["Content-Security-Policy"]
    # The site's policy, as on any other page (only the nonce differs)...
    other = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    nonce = re.compile(r"'nonce-[^']+'")
    assert nonce.sub("", policy) == nonce.sub("", other)
    # ...which allows no inline style and no inline script but a nonced one.
    assert "unsafe-inline" not in policy
    assert "style-src-attr" not in policy
    assert "<script>" not in response.content.decode()


def test_swagger_ui_moved_under_the_reference(client: Any) -> None:
    response = client.get(reverse("api:swagger"))
    assert response.status_code == 200
    assert reverse("api:swagger") == "/api/docs/swagger/"
    assert "style-src-attr 'unsafe-inline'" in response["Content-Security-Policy"]
