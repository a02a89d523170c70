"""Developer tools run from the project folder (`.venv/bin/python tools/<name>.py`); a package so that tests and
mypy import them under one name."""
