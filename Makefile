# Set-up is part of every target: a fresh machine needs only `make demo` or `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | md5sum | cut -c1-12)

.PHONY: install demo test lint lock clean airflow browser

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/ecif demo

# One test module per worker, in file order: a module's tests share one warehouse.
test: install lint browser
	$(BIN)/pytest -n 2 --dist loadscope -q

# Debian's chromium for the steward pages' browser test (playwright drives it; it never
# downloads a browser of its own).
browser:
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)

lint: install
	$(BIN)/ruff check .

# Re-resolve the pinned versions after editing requirements.in.
lock: install
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements.in -o requirements.lock

# Airflow with AIRFLOW_HOME = this repository: UI on http://localhost:8080, user admin,
# password in simple_auth_manager_passwords.json.generated (README, "Airflow").
# The pool is created with 1 slot (DuckDB) and left alone afterwards (PostgreSQL: raise it).
AIRFLOW := AIRFLOW_HOME=$(CURDIR) PATH=$(CURDIR)/$(BIN):$$PATH
airflow: install
	$(AIRFLOW) $(BIN)/airflow db migrate
	$(AIRFLOW) $(BIN)/airflow pools get ecif_warehouse >/dev/null 2>&1 || \
		$(AIRFLOW) $(BIN)/airflow pools set ecif_warehouse 1 "tasks that open the warehouse"
	$(AIRFLOW) $(BIN)/python -m ecif.orchestration.dbt_manifest
	$(AIRFLOW) $(BIN)/airflow standalone

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs ecif.duckdb
