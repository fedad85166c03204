"""Serialise a response body once.

A route that returns a pydantic model has it validated and serialised again by FastAPI;
the hot read routes build their body, serialise it here and declare the model with
``response_model`` so that the OpenAPI document still describes it.
"""

from fastapi import Response
from pydantic import BaseModel


def json_body(model: BaseModel, status_code: int = 200) -> Response:
    return Response(model.model_dump_json(), status_code=status_code, media_type="application/json")
