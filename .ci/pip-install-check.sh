#!/usr/bin/env bash
# Install the project the way a new user would: a fresh venv with the pip it ships (no upgrade),
# then run the installed command. Catches dependencies that only newer pips resolve (extras).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m venv "$tmp/venv"
echo "pip-install-check: $("$tmp/venv/bin/pip" --version)"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check .
"$tmp/venv/bin/newswatch" --help > /dev/null
# The compiled chunk memo builds wherever a C compiler is (the CI machine has one).
"$tmp/venv/bin/newswatch" --version | tee "$tmp/version.txt"
grep -q "compiled chunk memo" "$tmp/version.txt"
echo "pip-install-check: newswatch --help ran from a plain 'pip install .'"
# The demo's rules ship inside the package: the installed demo runs from a folder that is not
# the repository (issue 15, item 7).
(cd "$tmp" && "$tmp/venv/bin/newswatch" demo > "$tmp/demo.log")
grep -q "===== digest for channel 'analysts'" "$tmp/demo.log"
echo "pip-install-check: newswatch demo ran from $tmp, outside the repository"
