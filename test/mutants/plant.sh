#!/bin/bash
# Plants known bugs, one at a time, in a scratch copy of the repository and
# runs the suites that ought to catch each; prints bug -> caught / MISSED.
# A suite that stays green with a planted bug is a suite that would let that
# bug through.
#
#   test/mutants/plant.sh [name ...]     (no names: every bug below; make mutants)
#   MUTANT_DIR=/tmp/webmx-mutants        the scratch copy (rebuilt from this tree on each run)
#   MUTANT_SUITES=all                    run every suite for each bug instead of its listed ones
#
# To save time only the single-thread build is rebuilt and tested
# (WEBMX_TEST_THREADS=0): a C++ bug recompiles one object and relinks
# build/wasm/st, then copies it into dist/st (rollup copies the glue verbatim
# anyway); a TypeScript bug reruns tsc + rollup. The working tree is never
# touched. Needs a finished build (make dist) in this tree.
set -euo pipefail
export NODE_PATH=/usr/share/nodejs WEBMX_TEST_THREADS=0

repo=$(cd "$(dirname "$0")/../.." && pwd)
scratch=${MUTANT_DIR:-/tmp/webmx-mutants}

# name | file | perl substitution (must match exactly once) | suites (test/<name>.test.ts) | what the bug does
MUTANTS=(
  'arctan2-grad-sign|core/primitives/binary_extra.cpp|s{arg == 0 \? divide\(p\[1\], den\)}{arg == 0 ? divide(negative(p[1]), den)}|ops_sweep_elementwise reduce_ops math|d/da atan2(a, b) with its sign flipped'
  'truncnorm-no-sqrt2|core/random.cpp|s{erf\(divide\(lo, sqrt2\)\), b = erf\(divide\(hi, sqrt2\)\)}{erf(lo), b = erf(hi)}|random random_stats|truncatedNormal maps its bounds without the 1/sqrt(2)'
  'gumbel-log2|core/random.cpp|s{return negative\(log\(negative\(log\(uniform}{return negative(log2(negative(log(uniform}|random random_stats|gumbel -log2(-log u): scaled by 1/ln 2, categorical frequencies off'
  'gumbel-log2-inner|core/random.cpp|s{negative\(log\(uniform\(}{negative(log2(uniform(}|random random_stats|gumbel -log(-log2 u): shifted by ln ln 2 (categorical unaffected)'
  'normal-variance|core/random.cpp|s{std::sqrt\(2\.0\) \* scale}{scale}|random random_stats|normal with variance 1/2'
  'randint-off-by-one|core/random.cpp|s{array r = maximum\(range, }{array r = maximum(subtract(range, array::scalar(1, Dtype::int64)), }|random random_stats|randint never draws high - 1'
  'bernoulli-half-p|core/random.cpp|s{array::scalar\(upper, Dtype::float32\)}{array::scalar(upper / 2, Dtype::float32)}|random random_stats|bernoulli true with probability p/2'
  'softmax-grad|core/primitives/scan.cpp|s#sum\(multiply\(cot\[0\], y\), \{axis_\}, true\)#sum(cot[0], {axis_}, true)#|reduce_ops ops_sweep_reduce compile|softmax vjp subtracts sum(c) instead of sum(c * y)'
  'addmm-alpha-beta|core/linalg_ops.cpp|s{multiply\(array::scalar\(alpha, t\), p\)}{multiply(array::scalar(beta, t), p)}|linalg ops_sweep_linalg|addmm scales the product by beta'
  'peak-is-live|ts/runtime.ts|s{peakBytes: f\[2\]!}{peakBytes: f[1]!}|public_api memory|memory().peakBytes reports liveBytes'
  'unflatten-one-digit|ts/tree.ts|s{/\^\\d\+\$/\.test\(k\)}{/^\\d\$/.test(k)}|public_api transforms|tree.unflatten makes arrays only of paths with one-digit indices'
)

want=("$@")
selected() {
  [ ${#want[@]} -eq 0 ] && return 0
  local n
  for n in "${want[@]}"; do [ "$n" = "$1" ] && return 0; done
  return 1
}

[ -e "$repo/build/.dist-stamp" ] || { echo "plant.sh: no finished build in $repo (run make dist)" >&2; exit 1; }

echo "scratch copy: $scratch"
rm -rf "$scratch"
mkdir -p "$scratch"
# Tracked and new (not ignored) files, mtimes kept, so make sees the copied build as up to date.
(cd "$repo" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -xf - -C "$scratch"
cp -a "$repo/build" "$repo/dist" "$scratch/"
rm -rf "$scratch/build/native" "$scratch/build/mt"
ln -s "$repo/node_modules" "$scratch/node_modules"
cd "$scratch"

rebuild_ts() { node node_modules/typescript/bin/tsc -p tsconfig.json && node node_modules/rollup/dist/bin/rollup -c rollup.config.js --silent; }

results=()
for m in "${MUTANTS[@]}"; do
  IFS='|' read -r name file subst suites what <<<"$m"
  selected "$name" || continue
  echo "=== $name: $what ($file)"
  saved=$(mktemp -d)
  cp -a "$file" "$saved/src"
  obj="build/st/${file%.cpp}.o"
  if [[ $file == *.cpp ]]; then
    cp -a "$obj" "$saved/obj"
    cp -a build/wasm/st "$saved/wasm-st"
    cp -a dist/st "$saved/dist-st"
  fi
  n=$(perl -0 -ne '$n = ($_ =~ '"$subst"'g); print $n + 0' "$file" 2>&1 || true)
  if [ "$n" != 1 ]; then
    echo "    the substitution matched $n times (want 1): not planted"
    results+=("$name|NOT PLANTED|$what")
    rm -rf "$saved"
    continue
  fi
  perl -0 -pi -e "$subst" "$file"
  log="$scratch/$name.log"
  if [[ $file == *.cpp ]]; then
    built=$( { make --no-print-directory build/wasm/st/webmx-st.mjs >"$log" 2>&1 && cp build/wasm/st/webmx-st.mjs build/wasm/st/webmx-st.wasm dist/st/; } && echo yes || echo no)
  else
    built=$(rebuild_ts >"$log" 2>&1 && echo yes || echo no)
  fi
  if [ "$built" = no ]; then
    results+=("$name|BUILD FAILED (see $log)|$what")
  else
    if [ "${MUTANT_SUITES:-}" = all ]; then files=(); else files=(); for s in $suites; do files+=("test/$s.test.ts"); done; fi
    failing=()
    if [ ${#files[@]} -eq 0 ]; then files=(test/*.test.ts); fi
    for f in "${files[@]}"; do
      if ! node node_modules/vitest/vitest.mjs run --config test/vitest.config.mjs "$f" >>"$log" 2>&1; then
        failing+=("$(basename "$f" .test.ts)")
      fi
    done
    if [ ${#failing[@]} -gt 0 ]; then results+=("$name|caught by ${failing[*]}|$what")
    else results+=("$name|MISSED|$what"); fi
  fi
  # Undo: the source, its object and the st outputs as they were (mtimes included).
  cp -a "$saved/src" "$file"
  if [[ $file == *.cpp ]]; then
    cp -a "$saved/obj" "$obj"
    rm -rf build/wasm/st dist/st
    cp -a "$saved/wasm-st" build/wasm/st
    cp -a "$saved/dist-st" dist/st
  else
    rebuild_ts >>"$log" 2>&1
  fi
  rm -rf "$saved"
  last=${results[-1]#*|}
  echo "    ${last%%|*}"
done

echo
printf '%-22s %-40s %s\n' bug result "what it does"
for r in "${results[@]}"; do
  IFS='|' read -r name res what <<<"$r"
  printf '%-22s %-40s %s\n' "$name" "$res" "$what"
done
