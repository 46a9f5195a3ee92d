# Hallway's two everyday commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Absolute links (feeds, invitations, permanent links) follow the address make run serves on.
HALLWAY_BASE_URL ?= http://$(HOST):$(PORT)
export HALLWAY_BASE_URL

.PHONY: run test test-fast bench install install-test assets browser clean messages

run: install assets
	$(BIN)/hallway migrate
	$(BIN)/hallway demo
	$(BIN)/hallway serve --host $(HOST) --port $(PORT)

test: install-test assets browser
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest

# The inner loop: pure logic, domain functions and pages, on SQLite (no browser, no spawned servers).
test-fast: install-test assets
	$(BIN)/pytest -q -n 2 -m "unit or data or pages" -k "not postgres" -p no:cacheprovider

# Gather every marked message into server/locales/messages.pot and add the new ones to each catalogue
# (translate them there; a test fails while one is missing). See server/i18n.py.
messages: install-test
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ -k gettext -k ngettext:1,2 -k said -k word --no-wrap --sort-by-file \
		--project Hallway -o server/locales/messages.pot .
	for language in de es fr; do \
		$(BIN)/pybabel update -i server/locales/messages.pot -d server/locales -l $$language --no-wrap --no-fuzzy-matching; \
	done

bench: install-test
	$(BIN)/python bench/live_socketio.py --quick
	$(BIN)/python bench/http_pages.py --quick
	$(BIN)/python bench/calendar.py --quick
	$(BIN)/python bench/rooms.py --quick
	$(BIN)/python bench/qa.py --quick
	$(BIN)/python bench/search.py --quick

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

# htmx, the socket.io client and RapiDoc, from the npm registry, served by Hallway itself (no CDN).
assets: static/vendor/.installed

static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/socket.io-client/dist/socket.io.min.js node_modules/rapidoc/dist/rapidoc-min.js static/vendor/
	touch $@

# Headless Chromium for the browser tests and ffmpeg for media derivatives, from Debian's packages when we may
# install them.
browser:
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/ffmpeg ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver ffmpeg >/dev/null; \
	else echo "Chromium or ffmpeg is missing: install Debian's chromium, chromium-driver and ffmpeg, or those tests are skipped"; fi

clean:
	rm -rf $(VENV) node_modules static/vendor test-output
