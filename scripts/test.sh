#!/usr/bin/env bash
# Installs what the tests need (redis-server, chromium and chromedriver for the playground's browser tests, the openai
# npm package) and runs every test project.
# Ends with one line: "N passed, M failed" (summed over all test projects).
set -uo pipefail
cd "$(dirname "$0")/.."

need_install=()
command -v redis-server >/dev/null 2>&1 || need_install+=(redis-server)
command -v chromium >/dev/null 2>&1 || need_install+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_install+=(chromium-driver)
if [ ${#need_install[@]} -gt 0 ]; then
  echo "installing: ${need_install[*]}"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "${need_install[@]}" >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq "${need_install[@]}" >/dev/null; fi
fi
if [ -f tests/node/package.json ] && [ ! -d tests/node/node_modules ]; then
  (cd tests/node && npm ci --no-audit --no-fund --silent) || echo "warning: npm install failed"
fi

log=$(mktemp)
dotnet test FlorenceVL.Api.sln -c Release "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-project summaries ("Passed!  - Failed:     0, Passed:    16, Skipped: ...").
read -r passed failed < <(grep -E '^(Passed|Failed)! +- ' "$log" | sed 's/[^0-9,]//g' |
  awk -F, '{ f += $1; p += $2 } END { print p + 0, f + 0 }')
rm -f "$log"
passed=${passed:-0}; failed=${failed:-0}
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi # a build or runner failure counts as a failure
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
