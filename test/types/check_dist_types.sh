#!/usr/bin/env bash
# Compiles test/types/consumer/index.ts as a user's project would: webmx
# installed in node_modules (package.json + dist/types, nothing else), the
# tsconfig below and no skipLibCheck, so every shipped .d.ts is checked.
# Run by `make typecheck` after `make dist`; needs no network.
#
# The project is made in a temporary directory outside the repository, since
# TypeScript also loads node_modules/@types of every parent directory (the
# repository's @types/node declares Symbol.dispose, which would hide a
# declaration file that needs it). Three set-ups: the libs of the issue
# (ES2022 + DOM, no Symbol.dispose), ESNext (the lib's own Symbol.dispose
# must merge with ours) and @types/node beside ESNext's.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tsc="$root/node_modules/typescript/bin/tsc"
[ -f "$root/dist/types/index.d.ts" ] || { echo "error: no dist/types; run make dist first" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
d=$(dirname "$dir")
while [ "$d" != / ]; do
  if [ -d "$d/node_modules/@types" ]; then
    echo "error: $d/node_modules/@types would leak into the consumer project; set TMPDIR elsewhere" >&2
    exit 1
  fi
  d=$(dirname "$d")
done

mkdir -p "$dir/node_modules/webmx/dist"
cp "$root/package.json" "$dir/node_modules/webmx/"
cp -r "$root/dist/types" "$dir/node_modules/webmx/dist/"
cp "$root/test/types/consumer/index.ts" "$dir/"
echo '{"name":"webmx-consumer","private":true,"type":"module"}' > "$dir/package.json"

check() { # $1: what; $2: the tsconfig
  echo "$2" > "$dir/tsconfig.json"
  if ! (cd "$dir" && node "$tsc" -p tsconfig.json); then
    echo "error: dist/types don't compile in a user's project ($1): tsconfig $2" >&2
    exit 1
  fi
  echo "dist/types compile in a user's project ($1)"
}
check "ES2022 + DOM" '{"compilerOptions": {"lib": ["ES2022", "DOM"], "strict": true, "module": "nodenext", "noEmit": true}}'
check "ESNext + DOM" '{"compilerOptions": {"lib": ["ESNext", "DOM"], "strict": true, "module": "nodenext", "noEmit": true}}'
mkdir -p "$dir/node_modules/@types"
cp -r "$root/node_modules/@types/node" "$dir/node_modules/@types/"
[ ! -d "$root/node_modules/undici-types" ] || cp -r "$root/node_modules/undici-types" "$dir/node_modules/"
check "ESNext + DOM + @types/node" '{"compilerOptions": {"lib": ["ESNext", "DOM"], "strict": true, "module": "nodenext", "noEmit": true}}'
