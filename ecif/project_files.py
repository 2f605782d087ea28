"""Where the dbt project and reference_data/ are, however ecif is installed.

ecif/project/ holds them as symlinks to the repository's own folders; a wheel holds
copies (pyproject.toml, package-data). Both are found through importlib.resources, so an
editable install reads the checkout and a normal one reads what it installed.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def project_folder(name: str) -> Path:
    """`dbt_project` or `reference_data`, as a real folder: in a checkout, the
    repository's own (the symlink resolved)."""
    return Path(str(files("ecif").joinpath("project", name))).resolve()
