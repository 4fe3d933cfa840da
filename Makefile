# civic311's front door. Each target sets up what it needs; only Python 3.11+ must be installed.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv

.PHONY: run test test-fast lint format bench eval contracts clean help chromium wrk vendor

help:
	@echo "make run    - the whole system on embedded PostgreSQL and NATS (or DATABASE_URL / NATS_URL)"
	@echo "make test   - every test (real PostgreSQL and NATS: from the environment, Docker, or embedded)"
	@echo "make lint   - ruff, mypy, the import contracts (import-linter) and the event documents"
	@echo "make bench  - benchmarks beside their raw ceilings; writes bench/results/latest.json"

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Bytecode compiled once here: the tests start every service as a process of its own, many times, and
# where PYTHONDONTWRITEBYTECODE is set (some CI machines set it) each start would compile
# every module again (seconds of CPU per process).
.venv/.synced: $(UV) pyproject.toml uv.lock $(wildcard shared/*/pyproject.toml) $(wildcard services/*/pyproject.toml)
	$(UV) sync --frozen --compile-bytecode
	$(UV) run --frozen python -m compileall -q -j 0 shared services src
	@touch $@

# The map library the gateway's pages use (Leaflet), fetched from the npm registry and checked against
# its pinned sha512; nothing when already there. Without it the pages work, with no map.
vendor: .venv/.synced
	$(UV) run --frozen python -m civic311.vendor_assets

run: .venv/.synced
	@$(MAKE) --no-print-directory vendor || echo "the map library could not be fetched: the pages run without a map"
	$(UV) run --frozen civic311 run

# The page tests drive Debian's Chromium through Playwright; install it where apt can.
chromium:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
		if command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the page tests"; \
			SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
			$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; \
		else echo "no chromium and no apt-get: the page tests will be skipped (set CHROMIUM=...)"; fi; }

# Two workers: most tests wait on PostgreSQL, NATS or a child process, so two keep both cores busy.
test: .venv/.synced chromium vendor
	$(UV) run --frozen pytest -n 2 --dist loadgroup

test-fast: .venv/.synced
	$(UV) run --frozen pytest -n 2 --dist loadgroup -m "not slow"

lint: .venv/.synced
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy shared/*/src services/*/src src tests bench
	$(UV) run --frozen lint-imports
	$(UV) run --frozen civic311 contracts export --check

format: .venv/.synced
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

# The gateway's bench drives it with wrk (Debian's package), a C load generator.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "installing Debian's wrk for the gateway bench"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; }

# Dedup's quality on generated truth, and its decision speed with a million open requests.
eval: .venv/.synced
	$(UV) run --frozen python -m bench.dedup_bench

bench: .venv/.synced wrk
	$(UV) run --frozen python -m bench

clean:
	rm -rf .venv .tools .mypy_cache .ruff_cache .pytest_cache
