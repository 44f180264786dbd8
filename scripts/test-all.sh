#!/usr/bin/env bash
# Runs every test suite (TypeScript, each Python environment's pytest, cargo test) and ends with one line the CI
# reads: "N passed, N failed" (skips on the line before). Exits non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp -d)
passed=0; failed=0; skipped=0; status=0

add() { passed=$((passed + ${1:-0})); failed=$((failed + ${2:-0})); skipped=$((skipped + ${3:-0})); }

echo "== TypeScript (node --test)"
node --test --test-concurrency=1 dist/test/ 2>&1 | tee "$log/node.txt"; [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
add "$(grep -E '^# pass ' "$log/node.txt" | tail -1 | awk '{print $3}')" \
    "$(grep -E '^# fail ' "$log/node.txt" | tail -1 | awk '{print $3}')" \
    "$(grep -E '^# skipped ' "$log/node.txt" | tail -1 | awk '{print $3}')"

if [ -d runners/js/dist/test ]; then
  echo "== JS runner unit tests"
  node --test runners/js/dist/test/ 2>&1 | tee "$log/js.txt"; [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  add "$(grep -E '^# pass ' "$log/js.txt" | tail -1 | awk '{print $3}')" \
      "$(grep -E '^# fail ' "$log/js.txt" | tail -1 | awk '{print $3}')" \
      "$(grep -E '^# skipped ' "$log/js.txt" | tail -1 | awk '{print $3}')"
fi

for fw in pytorch tensorflow; do
  py=".bindbench/envs/$fw/bin/python"
  if [ -x "$py" ] && [ -d runners/python/tests ]; then
    echo "== Python runner tests ($fw environment)"
    PYTHONPATH=runners/python "$py" -m pytest -q -p no:cacheprovider runners/python/tests 2>&1 | tee "$log/py-$fw.txt"
    rc=${PIPESTATUS[0]}; [ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || status=1
    line=$(grep -E '(passed|failed|skipped|error)' "$log/py-$fw.txt" | tail -1)
    add "$(grep -oE '[0-9]+ passed' <<<"$line" | awk '{print $1}')" \
        "$(( $(grep -oE '[0-9]+ failed' <<<"$line" | awk '{print $1}' || echo 0) + $(grep -oE '[0-9]+ error' <<<"$line" | awk '{print $1}' || echo 0) ))" \
        "$(grep -oE '[0-9]+ skipped' <<<"$line" | awk '{print $1}')"
  fi
done

rust_env=.bindbench/build/rust-env.sh
if [ -f runners/rust/Cargo.toml ] && command -v cargo >/dev/null && [ -f "$rust_env" ]; then
  echo "== Rust runner tests (cargo test, in the environment \`bindbench setup\` linked against)"
  (source "$rust_env" && cd runners/rust && cargo test --release --locked) 2>&1 | tee "$log/cargo.txt"; [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  while read -r p f s; do add "$p" "$f" "$s"; done < <(grep -E '^test result:' "$log/cargo.txt" | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed; ([0-9]+) ignored.*/\1 \2 \3/')
else
  echo "== Rust runner tests skipped: cargo or $rust_env missing (run \`bindbench setup --bindings pytorch/rust,tensorflow/rust\`)"
fi

java_m2=.bindbench/build/java/m2
if [ -f runners/java/pom.xml ] && command -v mvn >/dev/null && [ -d "$java_m2" ]; then
  echo "== Java runner tests (mvn test, with the dependencies \`bindbench setup\` fetched)"
  (cd runners/java && DJL_CACHE_DIR="$PWD/pytorch/target/djl-cache" mvn -B -Dmaven.repo.local="$PWD/../../$java_m2" test) 2>&1 | tee "$log/mvn.txt"; [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
  # Surefire's per-module totals: "Tests run: N, Failures: F, Errors: E, Skipped: S" without " -- in".
  while read -r r f e s; do add "$((r - f - e - s))" "$((f + e))" "$s"; done < <(grep -E '^\[(INFO|ERROR|WARNING)\] Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+$' "$log/mvn.txt" | sed -E 's/.*Tests run: ([0-9]+), Failures: ([0-9]+), Errors: ([0-9]+), Skipped: ([0-9]+)$/\1 \2 \3 \4/')
else
  echo "== Java runner tests skipped: mvn or $java_m2 missing (run \`bindbench setup --bindings pytorch/java,tensorflow/java\`)"
fi

[ "$failed" -eq 0 ] || status=1
echo "$skipped skipped"
# The CI reads this exact shape on the last line.
echo "$passed passed, $failed failed"
exit $status
