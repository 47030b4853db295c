# Scale-out tests: three `scalodb serve` behind nutcracker (twemproxy), and the emulated cluster
# mode with redis-py's RedisCluster. Included by the root Makefile; uses the redis-py venv of
# server/tests/blackbox/server.mk (target server-venv).

SCALE_TESTS_DIR := server/tests/scale

.PHONY: test-scale scale-tools

# Debian's nutcracker package is twemproxy.
scale-tools:
	@command -v nutcracker >/dev/null || test -x /usr/sbin/nutcracker || { \
	  apt-get install -y nutcracker || { apt-get update && apt-get install -y nutcracker; }; }

test-scale: check-tools scale-tools server-venv
	$(CARGO) build --release -p scalodb-cli
	PYTHON=$(SERVER_VENV)/bin/python $(SCALE_TESTS_DIR)/run_tests.sh

EXTRA_TESTS += test-scale
