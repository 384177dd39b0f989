#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: installs what the tests need (Node packages from the lockfile,
# Chromium, Redis, MariaDB), starts the services, then runs the NUnit suite and prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v chromium >/dev/null; then
    echo "run-tests: installing chromium" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
fi

eval "$(bash .ci/services.sh)"
npm ci --no-audit --no-fund >&2
dotnet restore Fatechat.sln >&2

results="$(pwd)/TestResults"
rm -rf "$results"
status=0
dotnet test Fatechat.sln --no-restore --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@" || status=$?

# One closing line in the plain form that CI reads: "tests: N passed, N failed, N skipped".
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0))
    skipped += int(counters.get("notExecuted", 0))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
