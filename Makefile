# Thin entry points over the CLI and the runners' own tools. `make demo` and `make test` each do all set-up first.
BINDBENCH := node bin/bindbench.js
.PHONY: install system-deps setup demo demo-infer test test-fast bench clean

install: node_modules/.package-lock.json
	npm run build

# npm writes node_modules/.package-lock.json on install: reinstall only when the lockfile changed.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

setup: install
	$(BINDBENCH) setup --bindings all

# The quick campaign in both training styles (every installed binding trains LeNet-1/LeNet-5, 5 seeds), then the report.
# It runs DEMO_PARALLEL cells at once, each pinned to its own cores (one per CPU, at most 8; `make demo DEMO_PARALLEL=1`
# for the study's serial timing): what the demo shows first is accuracy, which the schedule does not change, and its
# times are labelled with the schedule in the report. The report is written even when some cell failed (it shows the
# failure); the exit status is the campaign's. `demo-infer` adds the cross-binding inference of one seed's Python models.
DEMO_SEED := 287426343
DEMO_PARALLEL ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 8 ] && n=8; echo $$n)
demo: setup
	@name=demo-$$(date +%Y%m%d-%H%M%S); \
	$(BINDBENCH) run --preset quick --styles minimal,idiomatic --parallel $(DEMO_PARALLEL) --name $$name; rc=$$?; \
	$(BINDBENCH) report --campaign $$name || exit $$?; exit $$rc

demo-infer: setup
	@name=demo-infer-$$(date +%Y%m%d-%H%M%S); \
	$(BINDBENCH) run --preset quick --experiments train,infer --infer-seeds $(DEMO_SEED) --name $$name; rc=$$?; \
	$(BINDBENCH) report --campaign $$name || exit $$?; exit $$rc

# The browser tests drive Debian's chromium (playwright's own download cannot work offline); the Slurm executor's tests
# start a one-node Slurm from Debian's slurm-wlm and munge. Each is installed only when absent; without them those
# tests skip, saying why.
system-deps:
	@bash scripts/slurm-local.sh install || echo "could not install slurm-wlm and munge: the Slurm executor's tests will be skipped with that reason"
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
	rm -rf dist .bindbench runners/js/dist runners/rust/target runners/java/*/target

# Side-by-side timing of every installed binding (training epochs and the inference matrix), on an otherwise idle machine.
bench: setup
	node scripts/bench-bindings.mjs
