# Two commands: `make run` and `make test`. Everything else is plain meson.
BUILDDIR ?= _build
MESON_OPTIONS ?=

.PHONY: run test build deps test-deps clean

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

