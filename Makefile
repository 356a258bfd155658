# Two commands: `make run` and `make test`. Everything else is plain meson.
BUILDDIR ?= _build
FUZZ_BUILDDIR ?= _build-fuzz
ASAN_BUILDDIR ?= _build-asan
FUZZ_SECONDS ?= 120
MESON_OPTIONS ?=

.PHONY: run test build deps test-deps clean fuzz fuzz-deps test-asan

run: build
	meson devenv -C $(BUILDDIR) ./src/volley

test: test-deps
	@if [ -d $(BUILDDIR) ]; then \
	  meson configure $(BUILDDIR) -Dwerror=true -Dtests=true $(MESON_OPTIONS); \
	else \
	  meson setup $(BUILDDIR) -Dwerror=true -Dtests=true $(MESON_OPTIONS); \
	fi
	meson compile -C $(BUILDDIR)
	@status=0; \
	meson test -C $(BUILDDIR) --print-errorlogs --num-processes 2 || status=$$?; \
	python3 tools/test-summary.py $(BUILDDIR)/meson-logs/testlog.json || status=1; \
	exit $$status

# The test suite, engine and command line, built with AddressSanitizer (leak
# checking included) and UBSan; any finding fails its test. tests/lsan.supp
# holds only third-party allocations that we cannot free. GSlice is plain
# malloc here, so that ASan sees every block. ASan's options:
# - fast_unwind_on_malloc=0: Debian's GLib has no frame pointers; the slow
#   unwinder follows stacks through it, so that a report names our caller
#   and suppressions can match a function;
# - intercept_tls_get_addr=0: gcc 12's LeakSanitizer misreads the dynamic TLS
#   of libraries that GIO loads (GnuTLS) on glibc 2.36 and crashes while
#   scanning; without the interceptor it finds those blocks through the DTV;
# - intercept_strstr=0: the checked strstr measures the whole haystack on
#   every call, which makes g_strsplit() of a journal quadratic.
# Sanitized code runs a few times slower: test timeouts are tripled.
ASAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:intercept_tls_get_addr=0:intercept_strstr=0 \
  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  G_SLICE=always-malloc

test-asan: test-deps
	@if [ -d $(ASAN_BUILDDIR) ]; then \
	  meson configure $(ASAN_BUILDDIR) -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dgui=false -Dtests=true; \
	else \
	  meson setup $(ASAN_BUILDDIR) -Db_sanitize=address,undefined -Db_lundef=false \
	    -Dgui=false -Dtests=true; \
	fi
	meson compile -C $(ASAN_BUILDDIR)
	@status=0; \
	$(ASAN_ENV) meson test -C $(ASAN_BUILDDIR) --print-errorlogs --num-processes 2 \
	  --timeout-multiplier 3 || status=$$?; \
	python3 tools/test-summary.py $(ASAN_BUILDDIR)/meson-logs/testlog.json || status=1; \
	exit $$status

build: deps
	@if [ ! -d $(BUILDDIR) ]; then meson setup $(BUILDDIR) $(MESON_OPTIONS); fi
	meson compile -C $(BUILDDIR)

deps:
	@sh tools/install-deps.sh

test-deps:
	@sh tools/install-deps.sh --test

clean:
	rm -rf $(BUILDDIR)

# Fuzzes the profile loader for FUZZ_SECONDS with libFuzzer, AddressSanitizer
# and UBSan; fails on a finding, which it leaves in $(FUZZ_BUILDDIR)/crashes/
# (minimise it with -minimize_crash=1 and add it to tests/fuzz/regressions/).
# The corpus grows across runs; the examples and regressions seed it.
fuzz: fuzz-deps
	@if [ -d $(FUZZ_BUILDDIR) ]; then \
	  meson configure $(FUZZ_BUILDDIR) -Dfuzzing=true -Dgui=false -Dtests=true; \
	else \
	  CC=clang meson setup $(FUZZ_BUILDDIR) -Dfuzzing=true -Dgui=false -Dtests=true; \
	fi
	meson compile -C $(FUZZ_BUILDDIR) fuzz-profile
	mkdir -p $(FUZZ_BUILDDIR)/corpus $(FUZZ_BUILDDIR)/crashes
	cp examples/*.volley.json tests/fuzz/regressions/* $(FUZZ_BUILDDIR)/corpus/
	$(FUZZ_BUILDDIR)/tests/fuzz/fuzz-profile -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	  -dict=tests/fuzz/profile.dict -artifact_prefix=$(FUZZ_BUILDDIR)/crashes/ \
	  $(FUZZ_BUILDDIR)/corpus

fuzz-deps:
	@sh tools/install-deps.sh --fuzz
