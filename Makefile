# Every habit has a target. `make run` and `make test` work on a fresh clone.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DDB_PORT ?= 8001
PYTEST_ARGS ?=
# Two workers: the suite waits mostly on DynamoDB Local, chromium and the fuzzer, and CI has 2 cores.
# Each worker starts its own DynamoDB Local and live server (tests/conftest.py); `TEST_WORKERS=0` runs serially.
TEST_WORKERS ?= 2

.PHONY: messages run test bench lint install system-run system-test clean owner salon sweep export restore routes repair-reports

$(VENV)/.installed: requirements.txt requirements-dev.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check 'pip<26.3'
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-run:
	@./local/install-system.sh java

system-test:
	@./local/install-system.sh java chromium

install: $(VENV)/.installed node_modules/.installed system-run

## run: DynamoDB Local (data in .data/) + demo salon + the app on http://127.0.0.1:$(PORT)
run: install
	$(PY) -m local.run --port $(PORT) --dynamodb-port $(DDB_PORT)

## test: the whole suite (unit, moto, DynamoDB Local, browser, page audits), on $(TEST_WORKERS) workers
test: install system-test
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## bench: request counts, pure availability speed, import time, items read by the sweeps
bench: install
	$(PY) -m bench

## owner: create a salon's first owner on the running local stack: make owner SALON=demo EMAIL=me@example.com
owner: install
	$(PY) -m local.create_owner --salon $(SALON) --email $(EMAIL)

## salon: create a salon and its first owner on the running local stack (docs/deploy.md §8 does it on AWS):
## make salon SALON=bella NAME="Studio Bella" PHONE="+39 06 1234 5678" TZ=Europe/Rome COUNTRY=IT EMAIL=me@example.com
salon: install
	$(PY) -m local.create_salon --salon "$(SALON)" --name "$(NAME)" --phone "$(PHONE)" --timezone "$(TZ)" \
		--country "$(COUNTRY)" --email "$(EMAIL)"

## sweep: run every scheduled job once at a simulated time: make sweep AT=2026-03-28T19:00 (salon-local if no offset)
sweep: install
	$(PY) -m local.sweep --at "$(AT)"

## export / restore: the whole local table to JSON lines and back: make export FILE=backup.jsonl
FILE ?= .data/export.jsonl
export: install
	$(PY) -m local.backup export --file $(FILE)

restore: install
	$(PY) -m local.backup restore --file $(FILE)

## repair-reports: recompute the report counters from the appointments, print what differs (a dry run):
## make repair-reports [SALON=demo] on the local stack, make repair-reports TABLE=chairtime-prod
## REGION=eu-south-1 [SALON=...] on AWS (docs/deploy.md); APPLY=1 corrects the counters that differ
repair-reports: install
	$(PY) -m local.repair_reports $(if $(SALON),--salon "$(SALON)",) $(if $(APPLY)$(FIX),--apply,) \
		$(if $(TABLE),--aws --table "$(TABLE)" $(if $(REGION),--region "$(REGION)",),--dynamodb-port $(DDB_PORT))

## messages: extract every text for people into chalicelib/locale/<domain>.pot (babel-<domain>.cfg says which
## files feed which domain), merge it into each locale's .po, compile the .mo files the package ships.
## English is the source: it has no catalog. tests/unit/test_catalogs.py fails while a catalog is stale or incomplete.
TEXT_DOMAINS := messages owner
CATALOG_LOCALES := it pl pt es ru
messages: $(VENV)/.installed
	@set -e; for domain in $(TEXT_DOMAINS); do \
	  $(VENV)/bin/pybabel -q extract -F babel-$$domain.cfg --no-location --sort-output --no-wrap \
	    --project Chairtime --copyright-holder "the Chairtime authors" -o chalicelib/locale/$$domain.pot . ; \
	  for locale in $(CATALOG_LOCALES); do \
	    po=chalicelib/locale/$$locale/LC_MESSAGES/$$domain.po; \
	    if [ -f $$po ]; then \
	      $(VENV)/bin/pybabel -q update -D $$domain -l $$locale -i chalicelib/locale/$$domain.pot -d chalicelib/locale \
	        --no-fuzzy-matching --ignore-obsolete --no-wrap; \
	    else \
	      $(VENV)/bin/pybabel -q init -D $$domain -l $$locale -i chalicelib/locale/$$domain.pot -d chalicelib/locale --no-wrap; \
	    fi; \
	  done; \
	  $(VENV)/bin/pybabel -q compile -D $$domain -d chalicelib/locale; \
	done

## routes: after adding, removing or changing a route, rewrite chalicelib/api/declared_routes.py (app.py declares
## every route from it and loads each area on its first request; a test fails while it is stale)
routes: $(VENV)/.installed
	$(PY) -m chalicelib.api.lazy

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

clean:
	rm -rf .data test-artifacts .pytest_cache

## package: a stage's CloudFormation template, zip and parameters in dist/<stage> (wheels cached in
## .wheelhouse/, so later runs work offline): make package STAGE=prod [REGION=eu-west-1]. docs/deploy.md
STAGE ?= dev
REGION ?= eu-west-1
.PHONY: package runtime-smoke
package: $(VENV)/.installed
	AWS_DEFAULT_REGION=$(REGION) $(PY) -m infra.package --stage $(STAGE) --region $(REGION)

## runtime-smoke: the dev package on Python 3.13 (the functions' runtime) in a Debian root, handlers called with
## Lambda events against DynamoDB Local and moto (root; the first run debootstraps .lambda-root/). Also in make test.
runtime-smoke: $(VENV)/.installed node_modules/.installed system-run
	$(PY) -m infra.runtime_smoke

## audit: every page measured (axe-core, Nu Html Checker, sideways scroll at 320/375 px, console errors,
## Lighthouse on representative pages); prints the figures per page (also in test-artifacts/audit/audit.json)
.PHONY: audit
audit: install system-test
	$(PY) -m pytest tests/audit -m audit $(PYTEST_ARGS)
