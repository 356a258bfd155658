# Two commands: `make run` and `make test`. Everything else is plain meson.
BUILDDIR ?= _build
FUZZ_BUILDDIR ?= _build-fuzz
FUZZ_SECONDS ?= 120
MESON_OPTIONS ?=

.PHONY: run test build deps test-deps clean fuzz fuzz-deps

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
