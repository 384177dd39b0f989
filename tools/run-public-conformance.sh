#!/usr/bin/env bash
# Runs the Socket.IO project's public conformance suites against the conformance host, as their READMEs say
# (`npm ci && npm test`), several times in a row, and prints one line per suite and run.
#
#   tools/run-public-conformance.sh ENGINE_IO_SUITE_DIR SOCKET_IO_SUITE_DIR [RUNS]
#
# Each directory is a copy of a suite's test-suite/ folder (from socketio/engine.io-protocol and
# socketio/socket.io-protocol), got beforehand: this script downloads nothing but the suites' own npm
# dependencies (`npm ci`, only where node_modules is missing). The suites hard-code http://localhost:3000, where
# the host listens; the port must be free. Exits non-zero when any case of any run fails.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 2 ]]; then
    sed -n '2,10p' "$0" >&2
    exit 2
fi

suites=("$(cd "$1" && pwd)" "$(cd "$2" && pwd)")
runs="${3:-3}"
host_url="http://localhost:3000"

for suite in "${suites[@]}"; do
    if [[ ! -f "$suite/test-suite.js" || ! -f "$suite/package-lock.json" ]]; then
        echo "public-conformance: $suite is not a suite's test-suite/ folder" >&2
        exit 2
    fi

    if [[ ! -d "$suite/node_modules" ]]; then
        (cd "$suite" && npm ci --no-audit --no-fund >&2)
    fi
done

dotnet build tools/Fatechat.Conformance -c Release -nologo -v quiet >&2
tools/Fatechat.Conformance/bin/Release/net10.0/Fatechat.Conformance >/dev/null 2>&1 & # listens on $host_url
host_pid=$!
trap 'kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true' EXIT

for ((i = 0; i < 100; i++)); do
    if curl -fs "$host_url/engine.io/?EIO=4&transport=polling" >/dev/null; then break; fi
    if ! kill -0 "$host_pid" 2>/dev/null; then
        echo "public-conformance: the host did not start (is port 3000 taken?)" >&2
        exit 1
    fi
    sleep 0.1
done

status=0
for ((run = 1; run <= runs; run++)); do
    for suite in "${suites[@]}"; do
        output="$(cd "$suite" && npm test 2>&1)" || status=1
        passing="$(grep -Eo '[0-9]+ passing' <<<"$output" || echo '0 passing')"
        failing="$(grep -Eo '[0-9]+ failing' <<<"$output" || echo '0 failing')"
        echo "$(node -p "require('$suite/package.json').name") run $run: $passing, $failing"
        if [[ "$failing" != "0 failing" ]]; then
            grep -E '^  [0-9]+\) ' -A3 <<<"$output" | grep -v '^\s*$' >&2 || true
        fi
    done
done

exit "$status"
