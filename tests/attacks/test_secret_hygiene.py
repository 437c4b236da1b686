"""Nothing secret reaches a log line: checked after every attack above has run.

pytest runs this module last in tests/attacks, so the stack's log then holds every
hostile request of the suite. The session's ``stack`` fixture runs the same check
once more when the whole session ends.
"""

from __future__ import annotations

import httpx
from attack_kit import GIF, SUBMITTED
from harness import LocalStack
from helpers import Forge, leaks, put


def test_the_stack_log_holds_no_secret_token_or_signature(stack: LocalStack) -> None:
    log = stack.log()

    assert log.strip(), "the stack logged nothing; the scan would prove nothing"
    assert leaks(log, stack.secrets.values(), SUBMITTED) == []


def test_a_successful_upload_logs_its_grant_id_but_never_its_token(
    stack: LocalStack, forge: Forge, fresh: httpx.Client
) -> None:
    grant = forge.grant()
    token = forge.token(grant)

    stored = put(fresh, forge, grant.key, token, GIF)

    assert stored.status_code == 201
    log = stack.log()
    assert grant.id in log
    assert leaks(log, stack.secrets.values(), [token, stored.json()["receipt"]]) == []
