"""The partner API reference at ``/api/docs/``: an accessible GOV.UK page generated, on each
request, from the same OpenAPI schema that ``/api/schema/`` serves (drf-spectacular's generator,
in process), so it cannot drift from the API.

For each operation, grouped by tag: method and path, summary, the scope its credential needs (read
from the view that serves the path), whether an ``Idempotency-Key`` is required, path parameters,
the request body's fields and the responses. Public: it describes the API, never data.
"""

from __future__ import annotations

import http
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from rest_framework.settings import api_settings

from . import idempotency
from .models import Scope
from .problems import MEDIA_TYPE as PROBLEM_MEDIA_TYPE
from .throttling import PartnerRateThrottle
from .views import PartnerAPIView

#: What a path parameter is replaced by to find the view that serves a path (all are UUIDs).
_SAMPLE_PATH_VALUE = "00000000-0000-0000-0000-000000000000"
_PATH_PARAMETER = re.compile(r"\{[^/}]+\}")
#: drf-spectacular describes a choice field's values as "* `value` - Label" lines.
_ENUM_LABEL = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.+)$", re.MULTILINE)
_METHODS = ("get", "put", "patch", "post", "delete")
_PERIODS = {"s": "second", "m": "minute", "h": "hour", "d": "day"}
#: Nested objects are listed to this depth (the schema has no cycles; this only guards).
_MAX_DEPTH = 5


@dataclass(frozen=True)
class EnumValue:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One row of a fields table: ``name`` is dotted for nested fields (``child.sex``)."""

    name: str
    type: str
    required: bool
    description: str
    enum: tuple[EnumValue, ...] = ()


@dataclass(frozen=True)
class Response:
    status: str
    description: str
    is_problem: bool
    fields: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    anchor: str
    summary: str
    description: str
    scope: str
    scope_label: str
    idempotency_key_required: bool
    path_parameters: tuple[Field, ...]
    body_required: bool
    body_fields: tuple[Field, ...]
    responses: tuple[Response, ...]


@dataclass
class Group:
    tag: str
    anchor: str
    operations: list[Operation] = field(default_factory=list)


def schema_document() -> dict[str, Any]:
    """The OpenAPI document exactly as ``/api/schema/?format=json`` serves it."""
    generator = SchemaGenerator()  # type: ignore[no-untyped-call]
    generated = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    document: dict[str, Any] = json.loads(OpenApiJsonRenderer().render(generated))
    return document


class _Schemas:
    """Resolves ``$ref`` into ``components/schemas`` and flattens objects into field rows."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.components: dict[str, Any] = document.get("components", {}).get("schemas", {})

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A ``$ref``, or an ``allOf`` of one (how drf-spectacular adds a default), resolved."""
        if "$ref" in schema:
            resolved = self.components.get(schema["$ref"].rsplit("/", 1)[-1], {})
            return {**resolved, **{k: v for k, v in schema.items() if k != "$ref"}}
        if len(schema.get("allOf", [])) == 1:
            inner = self.resolve(schema["allOf"][0])
            outer = {k: v for k, v in schema.items() if k != "allOf"}
            return {**inner, **outer, "description": outer.get("description", "")}
        return schema

    def alternatives(self, schema: dict[str, Any]) -> list[dict[str, Any]]:
        """``oneOf``/``anyOf`` choices (e.g. a value or blank), or just the schema."""
        options = schema.get("oneOf") or schema.get("anyOf")
        return [self.resolve(option) for option in options] if options else [schema]

    def type_name(self, schema: dict[str, Any]) -> str:
        schema = self.resolve(schema)
        names: list[str] = []
        for option in self.alternatives(schema):
            if option.get("type") == "array":
                name = f"array of {self.type_name(option.get('items', {}))}"
            elif option.get("enum") == [""]:
                name = "blank"
            elif option.get("enum") == [None]:
                name = "null"
            elif option.get("type") == "string" and option.get("maxLength") == 0:
                name = "blank"
            else:
                name = str(option.get("type", "any"))
                if option.get("format"):
                    name = f"{name} ({option['format']})"
            if name not in names:
                names.append(name)
        if schema.get("nullable"):
            names.append("null")
        return " or ".join(names)

    def enum_values(self, schema: dict[str, Any]) -> tuple[EnumValue, ...]:
        schema = self.resolve(schema)
        if schema.get("type") == "array":
            return self.enum_values(schema.get("items", {}))
        values: list[EnumValue] = []
        for option in self.alternatives(schema):
            labels = {
                match["value"]: match["label"].strip()
                for match in _ENUM_LABEL.finditer(str(option.get("description", "")))
            }
            for value in option.get("enum", []):
                if value in ("", None):
                    continue
                values.append(EnumValue(value=str(value), label=labels.get(str(value), "")))
        return tuple(values)

    def object_of(self, schema: dict[str, Any]) -> dict[str, Any] | None:
        """The object a field holds (directly, or as each item of an array), if any."""
        schema = self.resolve(schema)
        if schema.get("type") == "array":
            return self.object_of(schema.get("items", {}))
        return schema if "properties" in schema else None

    def fields(self, schema: dict[str, Any], prefix: str = "", depth: int = 0) -> list[Field]:
        schema = self.resolve(schema)
        required = set(schema.get("required", []))
        rows: list[Field] = []
        for name, prop in schema.get("properties", {}).items():
            resolved = self.resolve(prop)
            nested = self.object_of(resolved)
            rows.append(
                Field(
                    name=f"{prefix}{name}",
                    type=self.type_name(resolved)
                    if nested is None
                    else ("array of objects" if resolved.get("type") == "array" else "object"),
                    required=name in required,
                    description=_description(resolved),
                    enum=self.enum_values(resolved),
                )
            )
            if nested is not None and depth < _MAX_DEPTH:
                item_prefix = "[]." if resolved.get("type") == "array" else "."
                rows.extend(self.fields(nested, f"{prefix}{name}{item_prefix}", depth + 1))
        return rows


def _description(schema: dict[str, Any]) -> str:
    """A field's own description, without drf-spectacular's list of enum labels."""
    text = str(schema.get("description", ""))
    return _ENUM_LABEL.sub("", text).strip()


def _anchor(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _required_scope(path: str) -> str:
    """The scope of the view serving ``path`` (``""`` if none)."""
    try:
        match = resolve(_PATH_PARAMETER.sub(_SAMPLE_PATH_VALUE, path))
    except Resolver404:
        return ""
    view_class = getattr(match.func, "view_class", None)
    return str(getattr(view_class, "required_scope", ""))


def _shared_description() -> str:
    """The docstring every endpoint inherits: said once in the introduction, not per operation."""
    return " ".join((PartnerAPIView.__doc__ or "").split())


def _operation(schemas: _Schemas, path: str, method: str, spec: dict[str, Any]) -> Operation:
    parameters = spec.get("parameters", [])
    body = spec.get("requestBody", {})
    body_schema = body.get("content", {}).get("application/json", {}).get("schema")
    responses: list[Response] = []
    for status, response in spec.get("responses", {}).items():
        content = response.get("content", {})
        is_problem = PROBLEM_MEDIA_TYPE in content
        description = str(response.get("description", ""))
        if not description and status.isdigit():
            description = http.HTTPStatus(int(status)).phrase
        response_schema = content.get("application/json", {}).get("schema")
        responses.append(
            Response(
                status=status,
                description=description,
                is_problem=is_problem,
                fields=tuple(schemas.fields(response_schema))
                if response_schema and not is_problem
                else (),
            )
        )
    scope = _required_scope(path)
    description = " ".join(str(spec.get("description", "")).split())
    return Operation(
        method=method.upper(),
        path=path,
        anchor=_anchor(spec.get("operationId") or f"{method}-{path}"),
        summary=str(spec.get("summary", "")),
        description="" if description == _shared_description() else description,
        scope=scope,
        scope_label=Scope(scope).label if scope in Scope.values else "",
        idempotency_key_required=any(
            p.get("in") == "header"
            and p.get("name", "").lower() == idempotency.HEADER.lower()
            and p.get("required")
            for p in parameters
        ),
        path_parameters=tuple(
            Field(
                name=p["name"],
                type=schemas.type_name(p.get("schema", {})),
                required=bool(p.get("required")),
                description=str(p.get("description", "")),
            )
            for p in parameters
            if p.get("in") == "path"
        ),
        body_required=bool(body.get("required")),
        body_fields=tuple(schemas.fields(body_schema)) if body_schema else (),
        responses=tuple(responses),
    )


def reference_groups(document: dict[str, Any]) -> list[Group]:
    """The document's operations grouped by their first tag, tags in order of first use."""
    schemas = _Schemas(document)
    groups: dict[str, Group] = {}
    for path, item in document.get("paths", {}).items():
        for method in _METHODS:
            if method not in item:
                continue
            spec = item[method]
            tag = (spec.get("tags") or ["Other"])[0]
            group = groups.setdefault(tag, Group(tag=tag, anchor=_anchor(f"tag-{tag}")))
            group.operations.append(_operation(schemas, path, method, spec))
    return list(groups.values())


def _rate_limit() -> str:
    """The configured rate, in words: ``"120 requests per minute"`` (``""`` if unlimited)."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get(PartnerRateThrottle.scope)
    if not rate:
        return ""
    number, period = str(rate).split("/", 1)
    return f"{number} requests per {_PERIODS.get(period[:1], period)}"


@login_not_required
def reference(request: HttpRequest) -> HttpResponse:
    """The API reference, generated from the live schema."""
    document = schema_document()
    schemas = _Schemas(document)
    problem = document.get("components", {}).get("schemas", {}).get("Problem")
    return render(
        request,
        "api/reference.html",
        {
            "info": document.get("info", {}),
            "groups": reference_groups(document),
            "problem_fields": schemas.fields(problem) if problem else [],
            "rate_limit": _rate_limit(),
            "idempotency_header": idempotency.HEADER,
        },
    )
