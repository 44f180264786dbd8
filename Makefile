# Thin entry points over the CLI and the runners' own tools. `make demo` and `make test` each do all set-up first.
BINDBENCH := node bin/bindbench.js
.PHONY: install system-deps setup demo test test-fast bench clean

install: node_modules/.package-lock.json
	npm run build

# npm writes node_modules/.package-lock.json on install: reinstall only when the lockfile changed.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

setup: install
	$(BINDBENCH) setup --bindings all

# The quick campaign, cross-binding inference of one seed's Python models, then the report. The report is written
# even when some cell failed (it shows the failure); the demo's exit status is still the campaign's.
DEMO_SEED := 287426343
demo: setup
	@name=demo-$$(date +%Y%m%d-%H%M%S); \
	$(BINDBENCH) run --preset quick --experiments train,infer --infer-seeds $(DEMO_SEED) --name $$name; rc=$$?; \
	$(BINDBENCH) report --campaign $$name || exit $$?; exit $$rc

# The browser tests drive Debian's chromium (playwright's own download cannot work offline). Installed only when absent.
system-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || echo "could not install chromium: the browser tests will be skipped with that reason"; \
	  else echo "chromium is absent and apt-get needs root: run 'sudo apt-get install -y chromium' or the browser tests are skipped"; fi; \
	fi

test: setup system-deps
	bash scripts/test-all.sh

# The orchestrator's unit tests only: no binding needs to be installed (slow tests skip with a reason).
test-fast: install
	node --test --test-concurrency=1 dist/test/

clean:
	rm -rf dist .bindbench runners/js/dist runners/rust/target
