"""The documented JSON examples parse through the generated models and serialise back unchanged."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import volubile_api
from volubile_api.models import (
    AuthTokenResponse,
    CampaignResponse,
    CampaignStatus,
    CreateCampaignRecipientRequest,
    CreateCampaignRequest,
    DayOfWeek,
    ErrorResponse,
)

CAMPAIGN = {
    "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
    "name": "Renewals",
    "agentId": "bc309ecf-3a4c-4c4e-9a55-4b2f7c1b8e11",
    "startDate": "2024-07-30",
    "timeSlots": [{"startTime": "10:30", "endTime": "12:30"}],
    "batchSize": 200,
    "retry": {"max": 1, "delay": 4, "retryOn": ["NO_ANSWER", "VOICE_BOX"]},
    "days": ["MONDAY", "TUESDAY"],
    "status": "ACTIVE",
    "timezone": "Europe/Paris",
}
TOKEN = {
    "token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjN2Y4...",
    "expiresIn": 900,
    "tokenType": "Bearer",
}
ERROR_NUMERIC = {
    "timestamp": "2024-07-30T14:35:00.123000+00:00",
    "status": 400,
    "message": "Validation failed",
    "errors": [
        {
            "field": "batchSize",
            "rejectedValue": 5000,
            "message": "must be less than or equal to 1000",
        }
    ],
}
ERROR_NULL = {
    "timestamp": "2024-07-30T14:35:00+00:00",
    "status": 400,
    "message": "Validation failed",
    "errors": [{"field": "name", "rejectedValue": None, "message": "must not be blank"}],
}
RECIPIENT = {
    "phone": "+33612345678",
    "context": {
        "firstName": "firstname",
        "lastName": "lastname",
        "orderNumber": "5HZ99FRT",
        "visits": 3,
        "vip": True,
        "address": {"city": "Lyon"},
    },
}


@pytest.mark.parametrize(
    ("model", "document"),
    [
        (CampaignResponse, CAMPAIGN),
        (AuthTokenResponse, TOKEN),
        (ErrorResponse, ERROR_NUMERIC),
        (ErrorResponse, ERROR_NULL),
        (CreateCampaignRecipientRequest, RECIPIENT),
    ],
    ids=["campaign", "token", "error-numeric", "error-null", "recipient-context"],
)
def test_documented_examples_round_trip(model: Any, document: dict[str, Any]) -> None:
    assert model.from_dict(document).to_dict() == document


def test_rejected_value_keeps_its_json_type() -> None:
    numeric = ErrorResponse.from_dict(ERROR_NUMERIC)
    null = ErrorResponse.from_dict(ERROR_NULL)
    assert numeric.errors[0].rejected_value == 5000
    assert null.errors[0].rejected_value is None


def test_one_enum_per_idea() -> None:
    campaign = CampaignResponse.from_dict(CAMPAIGN)
    assert campaign.status is CampaignStatus.ACTIVE
    assert campaign.days == [DayOfWeek.MONDAY, DayOfWeek.TUESDAY]
    request = CreateCampaignRequest.from_dict(
        {
            "name": "x",
            "agentId": CAMPAIGN["agentId"],
            "startDate": "2024-07-30",
            "timeSlots": [],
            "batchSize": 1,
            "days": ["MONDAY"],
        }
    )
    assert request.days == [DayOfWeek.MONDAY]


def test_recipient_context_accepts_strings_as_the_vendor_example_does() -> None:
    recipient = CreateCampaignRecipientRequest.from_dict(RECIPIENT)
    assert recipient.context["firstName"] == "firstname"


def _model_classes() -> list[type[Any]]:
    from volubile_api import models

    return [
        getattr(models, name)
        for name in models.__all__
        if hasattr(getattr(models, name), "from_dict")
    ]


def test_models_import_the_models_they_nest_once_not_on_every_call() -> None:
    # Upstream's templates import nested models inside from_dict/to_dict, which costs an import
    # statement on every parse (model.py.jinja moves them to the end of the module).
    import dis

    with_imports = [
        f"{cls.__name__}.{method}"
        for cls in _model_classes()
        for method in ("from_dict", "to_dict")
        if any(
            instruction.opname == "IMPORT_NAME"
            for instruction in dis.get_instructions(getattr(cls, method))
        )
    ]
    assert with_imports == []


# The generated model modules that import the models they nest (at their end).
NESTING_MODULES = sorted(
    path.stem
    for path in (Path(volubile_api.__file__).parent / "models").glob("*.py")
    if "\n# Imported after the class" in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("module", NESTING_MODULES)
def test_a_model_that_nests_others_loads_first_in_a_fresh_interpreter(module: str) -> None:
    # The nested models are imported at the end of the module: whichever model a program
    # imports first, each class is defined before a model that nests it looks it up.
    script = (
        f"import volubile_api.models.{module} as m, attrs\n"
        "cls = next(v for v in vars(m).values() if attrs.has(v) and v.__module__ == m.__name__)\n"
        "try:\n    cls.from_dict({})\n"
        "except KeyError:\n    pass  # a strict model's required field; not a missing name\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr


def test_the_package_builds_its_client_classes_when_first_asked_for() -> None:
    # perf: the "`from volubile_ext import Volubile`" row. Importing a model (or types) does not
    # run the generated client module (two attrs classes); the names work as before, from the
    # package and by `from volubile_api import ...`, and a misspelt name is still an error.
    script = (
        "import sys\n"
        "import volubile_api.models.campaign_response, volubile_api.types\n"
        "print('volubile_api.client' in sys.modules)\n"
        "import volubile_api\n"
        "from volubile_api import AuthenticatedClient\n"
        "from volubile_api.client import Client\n"
        "print(volubile_api.Client is Client, AuthenticatedClient.__module__)\n"
        "try:\n    volubile_api.Clinet\n"
        "except AttributeError as error:\n    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        "False",
        "True volubile_api.client",
        "module 'volubile_api' has no attribute 'Clinet'",
    ]


def test_unset_stays_the_one_unset_through_pickle_and_copies() -> None:
    import copy
    import pickle

    from volubile_api.models import AgentConfiguration
    from volubile_api.types import UNSET

    assert pickle.loads(pickle.dumps(UNSET)) is UNSET
    assert copy.deepcopy(UNSET) is UNSET
    model = AgentConfiguration.from_dict({"extractors": []})
    assert model.classifiers is UNSET
    for other in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert other.classifiers is UNSET
        assert other == model
        assert other.to_dict() == {"extractors": []}
