"""Each schema of /api/openapi.json is one model's.

django-ninja names a component after its model class and merges the components of all
operations into one table: two models of one name (chat's and notifications' SettingsOut,
chat's and boards' AttachmentOut …) silently became one, and the operations of the other
documented a shape they never return. The API fuzzer found it (GET /api/chat/settings was
described as the notification settings).
"""

from __future__ import annotations

import json
import typing
from collections import defaultdict
from collections.abc import Iterator

import pydantic

from config.api import api


def inner_types(annotation: object) -> Iterator[object]:
    yield annotation
    for argument in typing.get_args(annotation):
        yield from inner_types(argument)


def api_models() -> dict[str, set[type[pydantic.BaseModel]]]:
    """Every model an operation reads or answers with (and the models inside them), by name."""
    found: dict[str, set[type[pydantic.BaseModel]]] = defaultdict(set)
    seen: set[type[pydantic.BaseModel]] = set()

    def walk(model: object) -> None:
        if not (isinstance(model, type) and issubclass(model, pydantic.BaseModel)):
            return
        if model in seen:
            return
        seen.add(model)
        # ninja's own per-operation wrappers (request parameters, the response envelope,
        # made with pydantic's create_model) are inlined, never components.
        if not model.__module__.startswith(("ninja", "pydantic", "abc")):
            found[model.__name__].add(model)
        for field in model.model_fields.values():
            for inner in inner_types(field.annotation):
                walk(inner)

    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                for model in operation.response_models.values():
                    walk(model)
                for model in operation.models:
                    walk(model)
    return found


def test_no_two_models_share_a_component_name() -> None:
    found = api_models()
    assert len(found) > 100  # the walk reached the API's models
    shared = {
        name: sorted(f"{model.__module__}.{model.__qualname__}" for model in models)
        for name, models in found.items()
        if len(models) > 1
    }
    assert shared == {}


def test_the_chat_settings_are_documented_as_chat_settings() -> None:
    schema = json.loads(json.dumps(api.get_openapi_schema()))  # as served: string keys
    response = schema["paths"]["/api/chat/settings"]["get"]["responses"]["200"]
    ref = response["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    assert set(component["properties"]) == {"refuse_strangers", "hide_presence"}
