"""The README's error table is the contract: exactly the codes and statuses in
``ALL_ERRORS``, in the same order, each with a meaning and what a client should do.
"""

from __future__ import annotations

import re
from pathlib import Path

from kalos.errors import ALL_ERRORS

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SECURITY = ROOT / "docs" / "security.md"
_ROW = re.compile(r"^\| `(?P<code>[a-z_]+)` \| (?P<status>\d{3}) \|(?P<rest>.*)\|$")


def table_rows() -> list[tuple[str, int, list[str]]]:
    """The rows of the table under '## Error codes' in the README."""
    section = README.read_text().split("\n## Error codes\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        if match := _ROW.match(line.strip()):
            cells = [cell.strip() for cell in match["rest"].split(" | ")]
            rows.append((match["code"], int(match["status"]), cells))
    return rows


def test_the_table_lists_every_code_with_its_status_in_contract_order() -> None:
    listed = [(code, status) for code, status, _ in table_rows()]

    assert listed == [(error.code, error.status) for error in ALL_ERRORS]


def test_every_row_says_what_the_code_means_and_what_a_client_should_do() -> None:
    for code, _, cells in table_rows():
        assert len(cells) == 2, code
        assert all(cells), code


def test_the_security_model_points_to_the_table() -> None:
    assert "../README.md#error-codes" in SECURITY.read_text()
