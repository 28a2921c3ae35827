"""Print the dependencies declared in pyproject.toml, one per line, as a pip requirements file."""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
wanted = list(project["dependencies"])
if "--dev" in sys.argv:
    wanted += project["optional-dependencies"]["dev"]
print("\n".join(wanted))
