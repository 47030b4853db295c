# Power-cut tests (tests/powercut): forgetfs, a FUSE filesystem that forgets whatever was not
# fsynced when told to cut the power, and the rounds that cut it under the store (per sync mode),
# at each step of segment creation, checkpoint and backup, and under `scalodb serve`. Included by
# the root Makefile, so paths are relative to the repository root.
#
# Needs root (to mount), /dev/fuse and fusermount3 (Debian's fuse3, installed here when missing),
# and a venv with redis-py for the server rounds (made here). `make test-powercut` runs 20 rounds
# per sync mode and 10 server rounds (about 2 minutes on 2 cores once built); `make soak-powercut`
# runs POWERCUT_SOAK_ROUNDS (500) per mode and POWERCUT_SOAK_SERVER_ROUNDS (100).

POWERCUT_DIR := tests/powercut
POWERCUT_VENV := $(POWERCUT_DIR)/.venv
POWERCUT_ROUNDS ?= 20
POWERCUT_SERVER_ROUNDS ?= 10
POWERCUT_SOAK_ROUNDS ?= 500
POWERCUT_SOAK_SERVER_ROUNDS ?= 100

.PHONY: test-powercut soak-powercut powercut-tools powercut-venv

powercut-tools:
	@test -e /dev/fuse || { echo "/dev/fuse is missing: the power-cut tests need FUSE (modprobe fuse; in a container, pass --device /dev/fuse)"; exit 1; }
	@command -v fusermount3 >/dev/null || apt-get install -y fuse3 || { apt-get update && apt-get install -y fuse3; }

# Debian ships venv without ensurepip unless python3-venv is installed.
powercut-venv:
	@test -x $(POWERCUT_VENV)/bin/python || python3 -m venv $(POWERCUT_VENV) || { \
	  rm -rf $(POWERCUT_VENV); apt-get update && apt-get install -y python3-venv && python3 -m venv $(POWERCUT_VENV); }
	@$(POWERCUT_VENV)/bin/python -c 'import redis' 2>/dev/null || $(POWERCUT_VENV)/bin/pip install -q 'redis>=5,<6'

# Release builds: the rounds are mostly process starts and I/O, but the checks replay every op.
# One test at a time, so the Interval rounds' timing is not shared with other rounds.
define powercut_run
	$(CARGO) build --release -p scalodb-cli
	SCALODB_BIN=$${CARGO_TARGET_DIR:-$(CURDIR)/target}/release/scalodb \
	  POWERCUT_PYTHON=$(CURDIR)/$(POWERCUT_VENV)/bin/python \
	  POWERCUT_ROUNDS=$(1) POWERCUT_SERVER_ROUNDS=$(2) \
	  $(CARGO) test --release -p scalodb-powercut -- --test-threads=1 --nocapture
endef

test-powercut: check-tools powercut-tools powercut-venv
	$(CARGO) fmt -p scalodb-powercut -- --check
	$(CARGO) clippy -p scalodb-powercut --all-targets -- -D warnings
	$(call powercut_run,$(POWERCUT_ROUNDS),$(POWERCUT_SERVER_ROUNDS))

soak-powercut: check-tools powercut-tools powercut-venv
	$(call powercut_run,$(POWERCUT_SOAK_ROUNDS),$(POWERCUT_SOAK_SERVER_ROUNDS))

EXTRA_TESTS += test-powercut
