# Thin entry points over the CLI and the runners' own tools. `make demo` and `make test` each do all set-up first.
BINDBENCH := node bin/bindbench.js
.PHONY: install setup demo test test-fast bench clean

install:
	npm ci --no-audit --no-fund
	npm run build

setup: install
	$(BINDBENCH) setup --bindings all

demo: setup
	$(BINDBENCH) run --preset quick --name demo-$$(date +%Y%m%d-%H%M%S)

test: setup
	bash scripts/test-all.sh

# The orchestrator's unit tests only: no binding needs to be installed (slow tests skip with a reason).
test-fast: install
	node --test --test-concurrency=1 dist/test/

clean:
	rm -rf dist .bindbench runners/js/dist runners/rust/target
