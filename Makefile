# The two commands: `make run` (set up everything and run the whole system) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
NODE_TOOLS := tools/modeling

.PHONY: run test setup system-packages lint diagrams engine-up engine-down clean

run: setup
	$(PY) -m engine run

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed $(NODE_TOOLS)/node_modules/.installed system-packages
	$(PY) -m engine prepare

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

$(NODE_TOOLS)/node_modules/.installed: $(NODE_TOOLS)/package.json $(NODE_TOOLS)/package-lock.json
	npm ci --prefix $(NODE_TOOLS) --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages the project needs: Maven (fetches the engine), Chromium (renders diagrams, browser tests).
system-packages:
	@bash tools/install-system-packages.sh

lint: setup
	$(PY) -m ruff check .
	$(PY) -m mypy .

engine-up: setup
	$(PY) -m engine up

engine-down:
	$(PY) -m engine down

clean:
	-$(PY) -m engine reset
	rm -rf $(VENV) $(NODE_TOOLS)/node_modules .cache

# Render every process diagram to docs/diagrams/ (SVG + PNG) with bpmn-js in headless Chromium.
diagrams: setup
	node $(NODE_TOOLS)/render-diagrams.mjs docs/diagrams $(wildcard workflows/*.bpmn) tests/resources/SmokeProcess.bpmn
