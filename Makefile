# webmx build: native tests (g++ + sanitizers), two emscripten variants
# (single-thread SIMD, threaded SIMD) and three JS glues, TypeScript + rollup.
#
#   make / make all   native test binary + wasm variants + dist/
#   make toolchain    check em++/acorn/doctest/chromium/python3-numpy (apt-get install them when root)
#   make wasm         build/wasm/{st,web-mt,node-mt}
#   make native       build/native/core_tests (g++, ASan + UBSan)
#   make dist         dist/ (tsc + rollup; needs wasm)
#   make test         typecheck, native tests, vitest on the st build
#                     (WEBMX_TEST_THREADS=0) and the mt build (=2), then test/targets
#   make test-native | test-js | test-targets | test-gpu | typecheck   one part of `make test`
#                     (typecheck also checks dist/, so it builds it first)
#   make demo|bench   node examples/demo.mjs | node bench/run.mjs (after dist)
#   make workers-demo the digits MLP as a Cloudflare Worker (examples/workers-inference),
#                     served by wrangler dev on 127.0.0.1:$(WORKERS_DEMO_PORT)
#   make pwa          serves the offline digits PWA (examples/pwa/) on 127.0.0.1:PWA_PORT
#                     (default 8080; PWA_ARGS=--no-isolation: no COOP/COEP headers)
#   make examples     the ports of MLX's examples: linear-regression, logistic-regression,
#                     mnist, transformer-lm, per-example-grads (one target each; EXAMPLE_ARGS)
#   make mutants      plants known bugs in a scratch copy, reports which the suites catch (slow)
#   make fuzz         the junk-argument fuzzer (test/fuzz/) for long on both builds:
#                     FUZZ_ITERATIONS (default 100000 per build), FUZZ_SEED (default: the time)
#   make sizes        .wasm / glue sizes (raw, gzip)
#   make api-reference  docs/API_REFERENCE.md from dist/types (test/api_reference.test.ts fails when stale)
#   make clean
#
# Everything is -j friendly; objects are per variant with -MMD dependency files.
# Extra flags: EXTRA_WASM_CXXFLAGS, EXTRA_WASM_LDFLAGS, EXTRA_NATIVE_CXXFLAGS;
# doctest arguments: DOCTEST_ARGS (e.g. DOCTEST_ARGS=-tc='*gemm*').

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
MAKEFLAGS += --no-builtin-rules

# Debian's emscripten needs acorn from /usr/share/nodejs.
export NODE_PATH := /usr/share/nodejs

EMXX     ?= em++
EMCC     ?= emcc
NATIVECXX ?= g++
NODE     ?= node
NPM      ?= npm
BUILD    := build
DIST     := dist

# ---------------------------------------------------------------- sources
CORE_SRCS := $(sort $(shell find core -name '*.cpp' -not -path 'core/tests/*' 2>/dev/null))
TEST_SRCS := $(sort $(wildcard core/tests/*.cpp))
WASM_SRCS := $(sort $(wildcard wasm/*.cpp))

# No tests yet: link a placeholder doctest main generated inside build/ (never in the tree).
ifeq ($(strip $(TEST_SRCS)),)
TEST_PLACEHOLDER := $(BUILD)/native/placeholder_main.cpp
endif

# ---------------------------------------------------------------- native (tests)
NATIVE_FLAGS := -std=c++20 -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
                -fno-sanitize-recover=all -pthread -DWMX_THREADS=1
NATIVE_CXXFLAGS := $(NATIVE_FLAGS) -Icore -MMD -MP $(EXTRA_NATIVE_CXXFLAGS)
NATIVE_OBJS := $(patsubst %.cpp,$(BUILD)/native/%.o,$(CORE_SRCS) $(TEST_SRCS) $(TEST_PLACEHOLDER:$(BUILD)/native/%=%))
NATIVE_BIN  := $(BUILD)/native/core_tests
export ASAN_OPTIONS  ?= detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:halt_on_error=1
export UBSAN_OPTIONS ?= print_stacktrace=1:halt_on_error=1

# ---------------------------------------------------------------- wasm
WASM_CXXFLAGS_COMMON := -std=c++20 -O3 -msimd128 -fwasm-exceptions -Icore $(EXTRA_WASM_CXXFLAGS)
ST_CXXFLAGS := $(WASM_CXXFLAGS_COMMON)
MT_CXXFLAGS := $(WASM_CXXFLAGS_COMMON) -pthread -DWMX_THREADS=1

INITIAL_MEMORY := 33554432
RUNTIME_METHODS := UTF8ToString,stringToUTF8,lengthBytesUTF8
EXPORTED_FUNCS  := _malloc,_free
WASM_LDFLAGS := -O3 -msimd128 -fwasm-exceptions -lembind \
  -sMODULARIZE -sEXPORT_ES6 -sEXPORT_NAME=createWebmx \
  -sALLOW_MEMORY_GROWTH -sINITIAL_MEMORY=$(INITIAL_MEMORY) -sMAXIMUM_MEMORY=4GB \
  -sDYNAMIC_EXECUTION=0 \
  -sEXPORTED_RUNTIME_METHODS=$(RUNTIME_METHODS) -sEXPORTED_FUNCTIONS=$(EXPORTED_FUNCS) \
  $(EXTRA_WASM_LDFLAGS)
MT_LDFLAGS := -pthread -Wno-pthreads-mem-growth --post-js wasm/js/pthread-post.js

# Toolchain fix, threaded build only. emscripten 3.1.6's libunwind declares
# `thread_local __wasm_lpad_context`, but Debian pairs it with clang 14, whose
# landing pads address that symbol as a plain global (R_WASM_MEMORY_ADDR_*, not
# _TLS_). With -pthread the personality function then reads a different address
# than the one user code wrote, so no typed catch clause ever matches (even
# `catch (int)`; only `catch (...)`). We link our own copy of Unwind-wasm.c with a
# plain global, which replaces the archive member. (LLVM 15 made the compiler
# side TLS; with such a toolchain the generated file is empty.) The context is
# then shared between threads, which is safe as long as only one thread runs
# typed catch clauses: LLVM's WasmEHPrepare calls the personality (the only
# reader and writer of the context) from typed catch pads alone, never from
# cleanups or a lone `catch (...)`. So code that runs off the main thread (the
# pool, the async evaluator) catches with `catch (...)` only; the typed catches
# (wasm/handles.h, wasm/transforms.cpp) run on the calling thread.
EMSCRIPTEN_ROOT = $(shell em-config EMSCRIPTEN_ROOT 2>/dev/null || echo /usr/share/emscripten)
MT_EH_FIX_SRC := $(BUILD)/mt/_toolchain/unwind-wasm-nontls.c
MT_EH_FIX_OBJ := $(BUILD)/mt/_toolchain/unwind-wasm-nontls.o

ST_OBJS := $(patsubst %.cpp,$(BUILD)/st/%.o,$(CORE_SRCS) $(WASM_SRCS))
MT_OBJS := $(patsubst %.cpp,$(BUILD)/mt/%.o,$(CORE_SRCS) $(WASM_SRCS)) $(MT_EH_FIX_OBJ)

ST_GLUE      := $(BUILD)/wasm/st/webmx-st.mjs
ST_WASM      := $(BUILD)/wasm/st/webmx-st.wasm
WEBMT_GLUE   := $(BUILD)/wasm/web-mt/webmx-mt.mjs
WEBMT_WASM   := $(BUILD)/wasm/web-mt/webmx-mt.wasm
WEBMT_WORKER := $(BUILD)/wasm/web-mt/webmx-mt.pthread.js
WEBMT_WORKER_SOURCE := $(BUILD)/wasm/web-mt/webmx-mt.pthread-source.js
NODEMT_GLUE  := $(BUILD)/wasm/node-mt/webmx-mt.mjs
NODEMT_WORKER:= $(BUILD)/wasm/node-mt/webmx-mt.worker.js
NODEMT_PKG   := $(BUILD)/wasm/node-mt/package.json
NODEMT_CHECK := $(BUILD)/wasm/node-mt/.wasm-identical
WASM_OUTPUTS := $(ST_GLUE) $(WEBMT_GLUE) $(NODEMT_GLUE) $(NODEMT_PKG) $(NODEMT_CHECK)

# ---------------------------------------------------------------- TypeScript / dist
# ts/generated/boundary.ts: the TS side of the wasm boundary (op codes, dtype
# codes, export types), generated from the C++ that defines it; not committed.
GEN_BOUNDARY := ts/generated/boundary.ts
TS_SRCS   := $(filter-out $(GEN_BOUNDARY),$(shell find ts -name '*.ts' 2>/dev/null)) $(GEN_BOUNDARY)
TSC_STAMP := $(BUILD)/tsc/.stamp
DIST_STAMP := $(BUILD)/.dist-stamp

# ================================================================ targets
.PHONY: all wasm native dist test test-native test-js test-targets \
        demo pwa bench clean toolchain typecheck sizes mutants fuzz test-gpu workers-demo api-reference \
        examples linear-regression logistic-regression mnist transformer-lm per-example-grads

all: native wasm dist

toolchain:
	@missing=""; \
	command -v $(EMXX) >/dev/null 2>&1 || missing="$$missing emscripten"; \
	[ -e /usr/share/nodejs/acorn ] || missing="$$missing node-acorn"; \
	[ -e /usr/include/doctest/doctest.h ] || missing="$$missing doctest-dev"; \
	command -v $(NATIVECXX) >/dev/null 2>&1 || missing="$$missing g++"; \
	command -v $(NODE) >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v $(NPM) >/dev/null 2>&1 || missing="$$missing npm"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	python3 -c 'import numpy' >/dev/null 2>&1 || missing="$$missing python3-numpy"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "toolchain: installing$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get install -y --no-install-recommends $$missing \
	      || { apt-get update && apt-get install -y --no-install-recommends $$missing; }; \
	  else \
	    echo "error: missing toolchain packages:$$missing" >&2; \
	    echo "       install them with: sudo apt-get install -y --no-install-recommends$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi

node_modules/.package-lock.json: package-lock.json | toolchain
	$(NPM) ci --no-audit --no-fund
	@touch $@

# ---------------------------------------------------------------- native rules
native: $(NATIVE_BIN)

$(BUILD)/native/placeholder_main.cpp:
	@mkdir -p $(@D)
	printf '#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN\n#include <doctest/doctest.h>\n' > $@

$(BUILD)/native/%.o: %.cpp | toolchain
	@mkdir -p $(@D)
	$(NATIVECXX) $(NATIVE_CXXFLAGS) -c $< -o $@

$(BUILD)/native/placeholder_main.o: $(BUILD)/native/placeholder_main.cpp | toolchain
	$(NATIVECXX) $(NATIVE_CXXFLAGS) -c $< -o $@

$(NATIVE_BIN): $(NATIVE_OBJS)
	$(NATIVECXX) $(NATIVE_FLAGS) $^ -o $@

test-native: $(NATIVE_BIN)
	$(NATIVE_BIN) $(DOCTEST_ARGS)

# ---------------------------------------------------------------- wasm rules
wasm: $(WASM_OUTPUTS)

$(BUILD)/st/%.o: %.cpp | toolchain
	@mkdir -p $(@D)
	$(EMXX) $(ST_CXXFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/mt/%.o: %.cpp | toolchain
	@mkdir -p $(@D)
	$(EMXX) $(MT_CXXFLAGS) -MMD -MP -c $< -o $@

$(MT_EH_FIX_SRC): | toolchain
	@mkdir -p $(@D)
	@src="$(EMSCRIPTEN_ROOT)/system/lib/libunwind/src/Unwind-wasm.c"; \
	clang_major=$$($(EMXX) -v 2>&1 | sed -n 's/.*clang version \([0-9][0-9]*\).*/\1/p' | head -1); \
	if grep -q '^thread_local struct _Unwind_LandingPadContext __wasm_lpad_context;' "$$src" \
	   && [ "$${clang_major:-99}" -lt 15 ]; then \
	  echo "toolchain fix: non-TLS __wasm_lpad_context for the threaded build (clang $$clang_major)"; \
	  { echo "// generated by the Makefile from $$src (see MT_EH_FIX_SRC)"; \
	    sed 's/^thread_local struct _Unwind_LandingPadContext __wasm_lpad_context;/struct _Unwind_LandingPadContext __wasm_lpad_context;/' "$$src"; } > $@; \
	else \
	  echo "// toolchain fix not needed (clang $$clang_major)" > $@; \
	fi

$(MT_EH_FIX_OBJ): $(MT_EH_FIX_SRC)
	$(EMCC) -x c -Oz -pthread -fwasm-exceptions -D__USING_WASM_EXCEPTIONS__ -DNDEBUG \
	  -D_LIBUNWIND_DISABLE_VISIBILITY_ANNOTATIONS \
	  -I$(EMSCRIPTEN_ROOT)/system/lib/libunwind/include -I$(EMSCRIPTEN_ROOT)/system/lib/libunwind/src \
	  -c $< -o $@

# single thread, web + worker (Workers, plain pages, Node with threads:false).
# tools/web_glue.mjs keeps the build machine's path out of webpack bundles.
$(ST_GLUE): $(ST_OBJS) tools/web_glue.mjs Makefile
	@mkdir -p $(@D)
	$(EMXX) $(ST_OBJS) $(WASM_LDFLAGS) -sENVIRONMENT=web,worker -o $@
	$(NODE) tools/web_glue.mjs $@
$(ST_WASM): $(ST_GLUE)

# threaded, web + worker (cross-origin-isolated pages, module workers). The pool
# workers run a script of our own that carries the glue (webmx-mt.pthread.js,
# and the same as a string in webmx-mt.pthread-source.js), so they load nothing
# by URL wherever a bundler puts the glue; tools/pthread_worker.mjs makes it from
# emscripten's worker.js (deleted afterwards) and the glue.
$(WEBMT_GLUE): $(MT_OBJS) wasm/js/pthread-post.js tools/web_glue.mjs tools/pthread_worker.mjs Makefile
	@mkdir -p $(@D)
	$(EMXX) $(MT_OBJS) $(WASM_LDFLAGS) $(MT_LDFLAGS) -sENVIRONMENT=web,worker \
	  '-sPTHREAD_POOL_SIZE=Module["pthreadPoolSize"]||navigator.hardwareConcurrency||4' \
	  -o $@
	$(NODE) tools/web_glue.mjs $@
	$(NODE) tools/pthread_worker.mjs $@ $(@D)/webmx-mt.worker.js
$(WEBMT_WASM) $(WEBMT_WORKER) $(WEBMT_WORKER_SOURCE): $(WEBMT_GLUE)

# threaded, Node: its own glue (ESM banner, CommonJS worker) but the web-mt .wasm,
# which is byte-identical. Linked in parallel with web-mt; NODEMT_CHECK verifies
# the two .wasm files match (cmp), then drops the duplicate.
$(NODEMT_GLUE): $(MT_OBJS) wasm/js/pthread-post.js wasm/js/node-mt-pre.js wasm/js/node-esm-banner.js Makefile
	@mkdir -p $(@D)
	$(EMXX) $(MT_OBJS) $(WASM_LDFLAGS) $(MT_LDFLAGS) -sENVIRONMENT=node,worker \
	  -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
	  --extern-pre-js wasm/js/node-esm-banner.js --pre-js wasm/js/node-mt-pre.js \
	  '-sPTHREAD_POOL_SIZE=Module["pthreadPoolSize"]||4' \
	  -o $@
$(NODEMT_WORKER): $(NODEMT_GLUE)

$(NODEMT_CHECK): $(NODEMT_GLUE) $(WEBMT_GLUE)
	@if [ -e $(@D)/webmx-mt.wasm ]; then \
	  cmp $(@D)/webmx-mt.wasm $(WEBMT_WASM) || { \
	    echo "error: node-mt and web-mt .wasm differ; the Node loader reads web-mt/webmx-mt.wasm" >&2; \
	    exit 1; }; \
	  rm -f $(@D)/webmx-mt.wasm; \
	fi
	@echo "node-mt/webmx-mt.wasm == web-mt/webmx-mt.wasm (dropped the copy)"
	@touch $@

$(NODEMT_PKG):
	@mkdir -p $(@D)
	echo '{"type":"commonjs"}' > $@

sizes: wasm
	@for f in $(ST_WASM) $(WEBMT_WASM) $(ST_GLUE) $(WEBMT_GLUE) $(NODEMT_GLUE); do \
	  printf '%-40s %9d bytes  gzip %8d\n' $$f $$(stat -c %s $$f) $$(gzip -9c $$f | wc -c); done

# ---------------------------------------------------------------- TypeScript + rollup
$(GEN_BOUNDARY): tools/gen_boundary.mjs wasm/op_tables.def core/dtype.h $(WASM_SRCS)
	$(NODE) tools/gen_boundary.mjs $@
	@touch $@

$(TSC_STAMP): $(TS_SRCS) tsconfig.json node_modules/.package-lock.json
	rm -rf $(BUILD)/tsc
	$(NODE) node_modules/typescript/bin/tsc -p tsconfig.json
	@touch $@

# Type-checks the whole package, the test suites (test/tsconfig.json: "webmx"
# is the package's source; this includes the type tests of test/types/, e.g.
# typed_trees.ts, whose @ts-expect-error lines fail if the transforms' types
# fall back to any), then the browser + Workers graph alone without
# @types/node (only ts/host/node.ts may use Node APIs), and last the shipped
# dist/types in a user's project of its own (no skipLibCheck, ES2022 libs).
# The API reference: every export of the shipped .d.ts with its declaration and doc comment.
api-reference: node_modules/.package-lock.json $(DIST_STAMP)
	$(NODE) tools/api_reference.mjs

typecheck: node_modules/.package-lock.json $(GEN_BOUNDARY) $(DIST_STAMP)
	$(NODE) node_modules/typescript/bin/tsc -p tsconfig.json --noEmit
	$(NODE) node_modules/typescript/bin/tsc -p test/tsconfig.json
	@mkdir -p $(BUILD)
	echo '{"extends":"../tsconfig.json","compilerOptions":{"noEmit":true,"types":[]},"include":[],"files":["../ts/entry/browser.ts","../ts/entry/workers.ts"]}' > $(BUILD)/tsconfig.web.json
	$(NODE) node_modules/typescript/bin/tsc -p $(BUILD)/tsconfig.web.json
	test/types/check_dist_types.sh

$(DIST_STAMP): $(TSC_STAMP) $(WASM_OUTPUTS) rollup.config.js ts/entry/require.cjs
	rm -rf $(DIST)
	$(NODE) node_modules/rollup/dist/bin/rollup -c rollup.config.js
	@touch $@

dist: $(DIST_STAMP)

# ---------------------------------------------------------------- tests
VITEST := $(NODE) node_modules/vitest/vitest.mjs run --config test/vitest.config.mjs

# Builds run in parallel (make -j); the suites then run one after another: on 2
# cores a threaded suite racing another one measures nothing.
test: $(NATIVE_BIN) $(DIST_STAMP)
	$(MAKE) --no-print-directory typecheck
	$(NATIVE_BIN) $(DOCTEST_ARGS)
	WEBMX_TEST_THREADS=0 $(VITEST)
	WEBMX_TEST_THREADS=2 $(VITEST)
	WEBMX_TEST_TARGETS=1 $(VITEST)
	$(GPU_TEST_ENV) WEBMX_TEST_GPU=1 WEBMX_TEST_THREADS=0 $(VITEST)

# The GPU suites (test/gpu) run the WebGPU backend on Dawn's Node binding (npm
# `webgpu`) over the SwiftShader Vulkan driver of Debian's chromium package:
# no GPU needed. LD_LIBRARY_PATH: chromium's own Vulkan loader (no libvulkan1).
GPU_TEST_ENV := VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json LD_LIBRARY_PATH=/usr/lib/chromium
test-gpu: $(DIST_STAMP)
	$(GPU_TEST_ENV) WEBMX_TEST_GPU=1 WEBMX_TEST_THREADS=0 $(VITEST)

test-js: $(DIST_STAMP)
	WEBMX_TEST_THREADS=0 $(VITEST)
	WEBMX_TEST_THREADS=2 $(VITEST)

test-targets: $(DIST_STAMP)
	WEBMX_TEST_TARGETS=1 $(VITEST)

# Not part of `make test`: each planted C++ bug relinks the wasm (minutes each).
mutants: $(DIST_STAMP)
	test/mutants/plant.sh $(MUTANTS)

# `make test` runs test/fuzz.test.ts briefly (seed 1, a few thousand calls);
# this runs it for long with a fresh seed, printed in the test's name.
FUZZ_ITERATIONS ?= 100000
FUZZ_SEED ?= $(shell date +%s)
fuzz: $(DIST_STAMP)
	WEBMX_TEST_THREADS=0 WEBMX_FUZZ_ITERATIONS=$(FUZZ_ITERATIONS) WEBMX_FUZZ_SEED=$(FUZZ_SEED) $(VITEST) test/fuzz.test.ts
	WEBMX_TEST_THREADS=2 WEBMX_FUZZ_ITERATIONS=$(FUZZ_ITERATIONS) WEBMX_FUZZ_SEED=$(FUZZ_SEED) $(VITEST) test/fuzz.test.ts

demo: $(DIST_STAMP)
	$(NODE) examples/demo.mjs

# The digits MLP's weights, which `make demo` writes too (the PWA and the
# Worker load them). Order-only on dist: a rebuilt package needs no retraining.
DIGITS_WEIGHTS := examples/weights/digits_mlp.safetensors
$(DIGITS_WEIGHTS): examples/demo.mjs examples/lib/digits_mlp.mjs examples/data/digits_rows.mjs | $(DIST_STAMP)
	$(NODE) examples/demo.mjs

PWA_PORT ?= 8080
PWA_ARGS ?=
pwa: $(DIST_STAMP) $(DIGITS_WEIGHTS)
	$(NODE) examples/pwa/serve.mjs --port $(PWA_PORT) $(PWA_ARGS)

# Ports of MLX's examples (examples/*.mjs); `make examples` runs them all.
# EXAMPLE_ARGS passes flags through (e.g. EXAMPLE_ARGS=--quick or --single-thread).
EXAMPLE_ARGS ?=
linear-regression: $(DIST_STAMP)
	$(NODE) examples/linear_regression.mjs $(EXAMPLE_ARGS)
logistic-regression: $(DIST_STAMP)
	$(NODE) examples/logistic_regression.mjs $(EXAMPLE_ARGS)
mnist: $(DIST_STAMP)
	$(NODE) examples/mnist.mjs $(EXAMPLE_ARGS)
transformer-lm: $(DIST_STAMP)
	$(NODE) examples/transformer_lm.mjs $(EXAMPLE_ARGS)
per-example-grads: $(DIST_STAMP)
	$(NODE) examples/per_example_grads.mjs $(EXAMPLE_ARGS)
examples: linear-regression logistic-regression mnist transformer-lm per-example-grads

bench: $(DIST_STAMP)
	$(NODE) bench/run.mjs

# wrangler dev bundles examples/workers-inference with dist/workers.js and the
# weights, then serves it in workerd. Offline it warns that it cannot fetch
# the Request.cf object (workers.cloudflare.com); that does no harm.
WORKERS_DEMO_PORT ?= 8787
workers-demo: $(DIST_STAMP) $(DIGITS_WEIGHTS)
	@echo "workers-demo: the digits MLP as a Cloudflare Worker on http://127.0.0.1:$(WORKERS_DEMO_PORT)/predict (Ctrl-C stops it)"
	@echo "  try: curl -s http://127.0.0.1:$(WORKERS_DEMO_PORT)/predict -H 'Content-Type: application/json' -d @examples/workers-inference/example-request.json"
	cd examples/workers-inference && WRANGLER_SEND_METRICS=false \
	  $(NODE) ../../node_modules/wrangler/bin/wrangler.js dev --ip 127.0.0.1 --port $(WORKERS_DEMO_PORT)

clean:
	rm -rf $(BUILD) $(DIST)

# ---------------------------------------------------------------- deps
-include $(NATIVE_OBJS:.o=.d) $(ST_OBJS:.o=.d) $(MT_OBJS:.o=.d)
