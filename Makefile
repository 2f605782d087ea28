# Set-up is part of every target: a fresh machine needs only `make demo` or `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | md5sum | cut -c1-12)

.PHONY: install bytecode demo test test-fast lint lock clean airflow browser pg-client

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on this
# project's CI machines) nothing caches it, and every process (each Airflow task, dbt,
# CLI or server subprocess) would compile every module it imports again: twice the CPU
# of importing dbt, Airflow or Great Expectations from bytecode.
$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

# The dbt manifest the Airflow DAG is drawn from (git-ignored): written again whenever
# the dbt project changes, so the DAG parses without running dbt.
MANIFEST := dbt_project/target/manifest.json
DBT_SOURCES := $(shell find dbt_project reference_data/seeds \( -path dbt_project/target \
	-o -path dbt_project/logs \) -prune -o -type f -print)
$(MANIFEST): $(STAMP) $(DBT_SOURCES)
	$(BIN)/dbt parse --quiet --project-dir dbt_project --profiles-dir dbt_project

# the project's own modules, when they change (a no-op otherwise)
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q ecif expectations matching dags tests benchmarks >/dev/null

install: $(STAMP) $(MANIFEST) bytecode

demo: install
	$(BIN)/ecif demo

# One test module (one engine's half of it) per worker, modules with slow tests first
# (tests/conftest.py): a module's tests share one warehouse. `make test-fast` leaves the
# slow end-to-end runs out, for the edit loop; CI runs everything. The 25 slowest tests
# close the report, so every CI log says where the suite's time went.
PYTEST := $(BIN)/pytest -n 2 --dist loadscope --no-loadscope-reorder -q --durations=25
test: install lint browser pg-client
	$(PYTEST)

test-fast: install lint pg-client
	$(PYTEST) -m "not slow"

# Debian's chromium for the steward pages' browser test (playwright drives it; it never
# downloads a browser of its own), and Debian's Noto CJK fonts so the Chinese labels render
# as text in its screenshots (the browser tests check the font).
CJK_FONT := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
browser:
	test -x /usr/bin/chromium || (apt-get update -qq && apt-get install -y -qq chromium)
	test -f $(CJK_FONT) || (apt-get update -qq && apt-get install -y -qq fonts-noto-cjk)

# pg_dump and pg_restore for `ecif backup`/`ecif restore` on PostgreSQL, from Debian's
# packages when missing (their major version should not be older than the server's).
pg-client:
	command -v pg_dump >/dev/null || (apt-get update -qq && apt-get install -y -qq postgresql-client)

lint: install
	$(BIN)/ruff check .

# Re-resolve the pinned versions after editing requirements.in.
lock: install
	$(BIN)/uv pip compile --quiet --python-version 3.11 requirements.in -o requirements.lock

# Airflow with the project's airflow.cfg and dags/; AIRFLOW_HOME (its database, logs and
# secrets) defaults to this repository. UI on http://localhost:8080, user admin, password
# in $(AIRFLOW_HOME)/simple_auth_manager_passwords.json.generated (README, "Airflow").
# The pool is created with 1 slot (DuckDB) and left alone afterwards (PostgreSQL: raise it).
AIRFLOW_HOME ?= $(CURDIR)
AIRFLOW_SECRETS := $(AIRFLOW_HOME)/airflow-secrets.env
AIRFLOW := AIRFLOW_HOME=$(AIRFLOW_HOME) AIRFLOW_CONFIG=$(CURDIR)/airflow.cfg \
	AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags PATH=$(CURDIR)/$(BIN):$$PATH
airflow: install $(AIRFLOW_SECRETS)
	$(AIRFLOW) $(BIN)/airflow db migrate
	$(AIRFLOW) $(BIN)/airflow pools get ecif_warehouse >/dev/null 2>&1 || \
		$(AIRFLOW) $(BIN)/airflow pools set ecif_warehouse 1 "tasks that open the warehouse"
	set -a && . $(AIRFLOW_SECRETS) && set +a && exec env $(AIRFLOW) $(BIN)/airflow standalone

# Secrets every Airflow component must share, drawn once and kept out of git (mode 0600):
# left to itself each component draws its own, and the API server then rejects the
# tokens the scheduler signs for tasks ("Invalid auth token: Signature verification failed").
$(AIRFLOW_SECRETS): | $(STAMP)
	mkdir -p $(AIRFLOW_HOME)
	umask 077 && $(BIN)/python -c 'import secrets; from cryptography.fernet import Fernet; \
		print(f"AIRFLOW__API_AUTH__JWT_SECRET={secrets.token_urlsafe(64)}"); \
		print(f"AIRFLOW__API__SECRET_KEY={secrets.token_urlsafe(32)}"); \
		print(f"AIRFLOW__CORE__FERNET_KEY={Fernet.generate_key().decode()}")' > $@.tmp
	mv $@.tmp $@

clean:
	rm -rf $(VENV) dbt_project/target dbt_project/logs ecif.duckdb
