# Two commands set up everything: `make run` and `make test`. The rest are for development.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LMS := $(BIN)/lms
LMS_PORT ?= 5000
LMS_BASE_URL ?= http://127.0.0.1:$(LMS_PORT)
# SCORM package content is served from a separate origin (README "SCORM packages"): the next port, on the other
# loopback name, so that the browser keeps the site's cookies from it.
LMS_CONTENT_PORT ?= $(shell expr $(LMS_PORT) + 1)
LMS_SCORM_CONTENT_ORIGIN ?= http://localhost:$(LMS_CONTENT_PORT)
export LMS_PORT LMS_BASE_URL
CONTENT_APP := $(BIN)/flask --app 'lms:create_content_app()' run --host 127.0.0.1 --port $(LMS_CONTENT_PORT) --no-reload
# The programme-sized demo of `make run`: learners with months of history across a tree of agencies, added once
# (a second run adds nothing); DEMO_LEARNERS=0 for the demo accounts alone.
DEMO_LEARNERS ?= 2000
DEMO_AGENCIES ?= 80
DEMO_DATA := $(if $(filter 0,$(DEMO_LEARNERS)),demo-data,demo-data --learners $(DEMO_LEARNERS) --agencies $(DEMO_AGENCIES) --if-absent)

.PHONY: run dev worker test e2e system-packages system-packages-e2e lint i18n translations install clean oidc-dev ldap-dev saml-dev \
	vendor-scorm-again scorm-demo

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# The browser tests' extra (Playwright, ~165 MB), installed by `make e2e` only.
$(VENV)/.installed-e2e: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,e2e]'
	touch $@

install: $(VENV)/.installed translations

# Compiled catalogs (.mo) are built from the committed .po files, never committed themselves.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard lms/translations/*/LC_MESSAGES/messages.po))

translations: $(MO_FILES)

# Rebuilt only when the catalog changed, so that parallel runs (CI runs both engines at once) never race on them.
%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

run: install
	mkdir -p instance
	$(LMS) db upgrade
	$(LMS) courses sync
	$(LMS) $(DEMO_DATA)
	@echo "Serving on http://127.0.0.1:$(LMS_PORT) (with a background worker for report exports and dashboard counts,"
	@echo "and SCORM package content on $(LMS_SCORM_CONTENT_ORIGIN))"
	export LMS_SCORM_CONTENT_ORIGIN='$(LMS_SCORM_CONTENT_ORIGIN)'; \
	$(BIN)/huey_consumer lms.worker.huey --workers 2 --worker-type thread --quiet & worker=$$!; \
	$(CONTENT_APP) & content=$$!; \
	trap 'kill $$worker $$content 2>/dev/null' EXIT INT TERM; \
	$(LMS) run --host 127.0.0.1 --port $(LMS_PORT)

# The task worker alone (report exports), as production runs it beside gunicorn.
worker: install
	$(BIN)/huey_consumer lms.worker.huey --workers 2 --worker-type thread

dev: install
	mkdir -p instance
	$(LMS) db upgrade
	$(LMS) courses sync
	$(LMS) $(DEMO_DATA)
	export LMS_SCORM_CONTENT_ORIGIN='$(LMS_SCORM_CONTENT_ORIGIN)'; \
	$(BIN)/huey_consumer lms.worker.huey --workers 1 --worker-type thread --quiet & worker=$$!; \
	$(CONTENT_APP) & content=$$!; \
	trap 'kill $$worker $$content 2>/dev/null' EXIT INT TERM; \
	$(LMS) run --debug --host 127.0.0.1 --port $(LMS_PORT)

# An independent reader of our credential status lists (tests/certificates/test_status_list_interop.py): jose and
# Digital Bazaar's W3C Bitstring Status List library from npm, into .ci/cache (outside git), run with the machine's Node.
STATUS_VERIFIER := .ci/cache/npm-status/node_modules/@digitalbazaar/vc-bitstring-status-list/package.json

$(STATUS_VERIFIER):
	mkdir -p .ci/cache/npm-status
	npm install --prefix .ci/cache/npm-status --no-save --no-audit --no-fund --loglevel=error \
		@digitalbazaar/vc-bitstring-status-list@2.0.1 jose@6.2.18

# scorm-again, the SCORM runtime of SCORM lessons (MIT): from the npm registry into .ci/cache, and its dist files that
# the lesson pages load copied into static/vendor/scorm-again/ (committed, so a clean clone runs offline);
# tests/scorm/test_vendor.py checks that the committed files are this version's.
SCORM_AGAIN_VERSION := 3.4.3
SCORM_AGAIN := .ci/cache/npm-scorm-again/node_modules/scorm-again/package.json
SCORM_AGAIN_FILES := dist/scorm12.min.js dist/scorm2004.min.js dist/cross-frame-lms.min.js dist/cross-frame-api.min.js LICENSE

$(SCORM_AGAIN):
	rm -rf .ci/cache/npm-scorm-again
	mkdir -p .ci/cache/npm-scorm-again
	npm install --prefix .ci/cache/npm-scorm-again --no-save --no-audit --no-fund --loglevel=error \
		scorm-again@$(SCORM_AGAIN_VERSION)

vendor-scorm-again: $(SCORM_AGAIN)
	mkdir -p static/vendor/scorm-again
	for f in $(SCORM_AGAIN_FILES); do cp .ci/cache/npm-scorm-again/node_modules/scorm-again/$$f static/vendor/scorm-again/; done
	echo $(SCORM_AGAIN_VERSION) > static/vendor/scorm-again/VERSION

# The demo SCORM 1.2 package of courses/spotting-ai-errors, zipped from its sources in lms/demo/scorm_sample/.
scorm-demo: $(VENV)/.installed
	$(BIN)/python -m lms.demo.scorm_sample

# The Learning Record Store of the xAPI tests (tests/xapi): Ralph from PyPI in its own virtualenv under .ci/cache
# (outside git), started by a session fixture. Its `lrs` extra leaves out `requests`, which its auth module imports.
RALPH := .ci/cache/ralph/.installed-5.1.0

$(RALPH):
	rm -rf .ci/cache/ralph
	$(PYTHON) -m venv .ci/cache/ralph
	.ci/cache/ralph/bin/pip install --quiet --disable-pip-version-check 'ralph-malph[cli,lrs]==5.1.0' 'requests==2.34.2'
	touch $@

# The suite runs on every core (pytest-xdist; each worker has its own database); PYTEST_WORKERS=0 runs it in one process.
PYTEST_WORKERS ?= auto

# The OpenID Connect provider of the sign-in tests and of `make oidc-dev`: the certified npm package oidc-provider,
# into .ci/cache (outside git), run with the machine's Node by tests/oidc/provider.mjs.
OIDC_PROVIDER := .ci/cache/npm-oidc/node_modules/oidc-provider/package.json
OIDC_DEV_PORT ?= 5556

$(OIDC_PROVIDER):
	mkdir -p .ci/cache/npm-oidc
	npm install --prefix .ci/cache/npm-oidc --no-save --no-audit --no-fund --loglevel=error oidc-provider@9.13.3

# A local provider to sign in through with `make run` (README "Single sign-on"): issuer http://127.0.0.1:5556,
# client "lms", accounts aigerim/daniyar/unverified (any password).
oidc-dev: $(OIDC_PROVIDER)
	node tests/oidc/provider.mjs tests/oidc/dev.json .ci/cache/npm-oidc/node_modules/oidc-provider/lib/index.js

# A local SAML IdP to sign in through with `make run` (README "SAML 2.0 sign-in"): Debian's SimpleSAMLphp under
# `php -S` on 127.0.0.1:$(SAML_DEV_PORT), its configuration and our SP key in instance/saml-dev (made on first use).
SAML_DEV_PORT ?= 8091

saml-dev: install
	$(BIN)/python -m tests.saml.idp --folder instance/saml-dev --port $(SAML_DEV_PORT) --base-url $(LMS_BASE_URL)

# The Debian packages the suite starts (SimpleSAMLphp, slapd, xmlsec1, npm), installed when missing (as root).
system-packages:
	@.ci/system-packages test

test: system-packages install $(STATUS_VERIFIER) $(RALPH) $(OIDC_PROVIDER) $(SCORM_AGAIN)
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

# Browser tests (tests/e2e): Debian's Chromium (apt-get install chromium) and the Nu HTML Checker from npm (into
# .ci/cache, outside git) with the machine's Java. Playwright never downloads a browser here.
VNU_JAR := .ci/cache/npm/node_modules/vnu-jar/build/dist/vnu.jar
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

$(VNU_JAR):
	mkdir -p .ci/cache/npm
	npm install --prefix .ci/cache/npm --no-save --no-audit --no-fund --loglevel=error vnu-jar@26.9.27

system-packages-e2e:
	@.ci/system-packages e2e

e2e: system-packages-e2e install $(VENV)/.installed-e2e $(VNU_JAR)
	@test -x /usr/bin/chromium || { echo "e2e: /usr/bin/chromium is missing (apt-get install chromium)"; exit 1; }
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

# A demo directory for `lms directory sync` (see the README): Debian's slapd (apt-get install slapd ldap-utils) on
# 127.0.0.1:$(LDAP_PORT) with 200 generated people in four agencies, its files in instance/ldap-dev; Ctrl-C stops it.
LDAP_PORT ?= 3389
ldap-dev: install
	$(BIN)/python -m tests.ldap_server --port $(LDAP_PORT) --people $${LDAP_PEOPLE:-200} --dir instance/ldap-dev

# Extract new strings, merge them into the kk/ru/en catalogs, compile.
i18n: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _lp:1c,2 -k lazy_pgettext:1c,2 -o lms/translations/messages.pot --no-location --sort-output --omit-header lms
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --statistics -d lms/translations

clean:
	rm -rf $(VENV) instance/lms.sqlite3*
