"""The OpenAPI document: FastAPI's, plus the journey file and problem schemas that
bodies read by hand (to report every problem at once) refer to."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel

from api.problems import ProblemDetails
from journeymap.model import Journey

REF_TEMPLATE = "#/components/schemas/{model}"


def _add_model(schemas: dict[str, Any], model: type[BaseModel]) -> None:
    schema = model.model_json_schema(by_alias=True, ref_template=REF_TEMPLATE, mode="validation")
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    schemas.setdefault(model.__name__, schema)


def install(app: FastAPI) -> None:
    """Replace ``app.openapi`` with a generator that adds the shared schemas (built once)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            schemas = schema.setdefault("components", {}).setdefault("schemas", {})
            _add_model(schemas, Journey)
            _add_model(schemas, ProblemDetails)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
