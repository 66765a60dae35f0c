"""A schema-driven fuzz run (schemathesis) over every route of the OpenAPI document the
app serves: whatever it sends, no answer is a 5xx, every status and body is one the
document declares."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api import create_app
from api.auth import create_key
from tests.unit.api.conftest import FakeGateway

EXAMPLES = 12
# Valid inputs (do the answers match the document?) and invalid ones (refused, not 5xx).
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


@pytest.fixture(scope="module")
def fuzzed_app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("fuzz")
    app = create_app(config={"DATABASE_URL": f"sqlite:///{root / 'fuzz.db'}",
                      "MEDIA_ROOT": str(root / "media"), "JOBS": FakeGateway(),
                      "TESTING": True, "RATE_LIMIT_PER_MINUTE": 0})
    with app.extensions["db"].session() as s:
        app.config["FUZZ_KEY"] = create_key(s, "fuzz-ops", ops=True)
    yield app
    app.extensions["db"].dispose()


def test_no_route_answers_5xx_or_off_the_document(fuzzed_app) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", fuzzed_app)
    headers = {"Authorization": f"Bearer {fuzzed_app.config['FUZZ_KEY']}"}
    checks = [status_code_conformance, content_type_conformance, response_schema_conformance]
    failures: list[str] = []
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()  # a route the document cannot describe
        operations.append(result.ok())
    assert len(operations) > 40

    for operation, mode in [(op, mode) for op in operations for mode in MODES]:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  phases=[Phase.explicit, Phase.generate], report_multiple_bugs=False,
                  suppress_health_check=list(HealthCheck))
        def one(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (case.as_curl_command(), response.text[:200])
            case.validate_response(response, checks=checks)

        try:
            one()
        except Unsatisfiable:
            pass  # nothing to make invalid (no parameters, no body)
        except BaseException as exc:  # what hypothesis found for this operation
            failures.append(f"{operation.label} ({mode.value}): {str(exc)[:600]}")
    assert not failures, "\n\n".join(failures)


def test_the_document_is_served(fuzzed_app) -> None:
    body = fuzzed_app.test_client().get("/openapi.json").get_json()
    assert body["openapi"].startswith("3.") and "/v1/teasers" in body["paths"]
