# release/release.mk: the release artifacts (release/README.md says what each is and how it is
# checked). Included by the root Makefile; paths are relative to the repository root.
#
#   make dist           build every artifact into dist/ (gitignored) with dist/SHA256SUMS
#   make dist-check     install and use each artifact the way a user without Rust would
#   make version-check  fail when any file that carries the release version disagrees
#   make dist-tools     the pinned build tools, in the venv .tools/release (dist does it first)
#
# `make test` runs version-check and test-dist (dist, then dist-check).

REL_TOOLS := .tools/release
REL_STAMP := $(REL_TOOLS)/.installed-$(shell cksum < release/requirements-tools.txt | cut -d' ' -f1)

.PHONY: dist dist-check dist-tools dist-deps version-check test-dist clean-dist

# Commands the release scripts and checks run, from Debian when missing (as root, like CI).
dist-deps:
	@missing=""; \
	for pair in gcc:gcc g++:g++ pkg-config:pkg-config cmake:cmake readelf:binutils objdump:binutils \
		git:git sha256sum:coreutils python3:python3 node:nodejs npm:npm; do \
		cmd=$${pair%%:*}; pkg=$${pair##*:}; \
		command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# The tools venv, rebuilt when the pinned list changes; the maturin wheel is kept apart for the
# sdist check, whose isolated build takes its build backend from there and not from the registry.
$(REL_STAMP): release/requirements-tools.txt
	rm -rf $(REL_TOOLS)
	python3 -m venv $(REL_TOOLS)
	$(REL_TOOLS)/bin/python -m pip install -q --upgrade pip
	$(REL_TOOLS)/bin/python -m pip install -q -r release/requirements-tools.txt
	$(REL_TOOLS)/bin/python -m pip download -q --no-deps --only-binary=:all: -d $(REL_TOOLS)/wheels \
		"$$(grep '^maturin==' release/requirements-tools.txt)"
	touch $@

dist-tools: dist-deps $(REL_STAMP)

dist: check-tools dist-tools go-tools
	bash release/dist.sh

dist-check: dist-deps go-tools
	bash release/dist-check.sh

version-check:
	python3 release/version_check.py

test-dist: dist
	$(MAKE) --no-print-directory dist-check

clean: clean-dist
clean-dist:
	rm -rf dist

EXTRA_TESTS += version-check test-dist

# The release scripts pass shellcheck (warnings and errors), as part of `make lint`.
.PHONY: lint-release
lint: lint-release
lint-release:
	@command -v shellcheck >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck; }
	cd release && shellcheck -x -S warning *.sh
