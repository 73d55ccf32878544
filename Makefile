# Two commands: `make run` (set up, start on :8000 with the demo list) and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test setup clean

setup: $(STAMP)

$(STAMP): current_requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r current_requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m ai_service

# pytest exits 5 when it collected no tests: that fails this target like any other failure.
test: $(STAMP)
	$(PY) -m pytest -q -p no:cacheprovider tests

clean:
	rm -rf $(VENV)
