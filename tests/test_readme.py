"""The README's settings table documents exactly the Settings fields."""

from __future__ import annotations

import re

from rag.settings import Settings

from .conftest import REPO


def test_readme_settings_table_matches_settings() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)` \| `(RAG_\w+)` \| `?([^|`]*)`? \|", readme, re.MULTILINE)
    documented = {name: (env, default.strip()) for name, env, default in rows}
    assert set(documented) == set(Settings.model_fields)
    for name, field in Settings.model_fields.items():
        env, default = documented[name]
        assert env == f"RAG_{name.upper()}"
        assert default == ("unset" if field.default is None else str(field.default))


def test_readme_quick_start_is_the_ci_script() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in quick_start.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert [line for line in ci.splitlines() if line.startswith("make ")] == commands
