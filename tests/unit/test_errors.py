"""The error contract: one stable code and one HTTP status per failure."""

from __future__ import annotations

import re

import pytest

from kalos import errors
from kalos.errors import ALL_ERRORS, KalosError


def test_every_error_has_its_own_code() -> None:
    codes = [error.code for error in ALL_ERRORS]

    assert len(codes) == len(set(codes))


def test_every_kalos_error_class_is_listed_in_the_contract() -> None:
    defined = {
        value
        for value in vars(errors).values()
        if isinstance(value, type) and issubclass(value, KalosError)
    }

    assert defined - {KalosError} == set(ALL_ERRORS)


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda error: error.__name__)
def test_each_error_has_a_snake_case_code_and_a_client_or_server_status(
    error: type[KalosError],
) -> None:
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", error.code)
    assert 400 <= error.status <= 599


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda error: error.__name__)
def test_each_error_renders_a_complete_problem_document(
    error: type[KalosError],
) -> None:
    problem = error("what went wrong this time").problem()

    assert problem == {
        "type": f"urn:kalos:problem:{error.code}",
        "title": error.title,
        "status": error.status,
        "code": error.code,
        "detail": "what went wrong this time",
    }
    assert problem["title"]


def test_an_error_without_a_detail_uses_its_title() -> None:
    problem = errors.GrantSpent().problem()

    assert problem["detail"] == "Grant was already used"
    assert str(errors.GrantSpent()) == "Grant was already used"


def test_an_unexpected_failure_is_a_500_with_the_internal_error_code() -> None:
    assert errors.InternalError.status == 500
    assert errors.InternalError.code == "internal_error"
