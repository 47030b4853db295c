# ffi/ffi.mk: the C ABI (libscalodb.so, libscalodb.a, include/scalodb.h). Included by the root
# Makefile, so paths are relative to the repository root.
#
#   make ffi-lib                  build and stage ffi/build/lib/libscalodb.{so,so.0,a}
#   make ffi-header               regenerate include/scalodb.h with the pinned cbindgen (and the
#                                 Go module's copy, bindings/go/include/scalodb.h)
#   make install PREFIX=/usr/local  install the libraries, the header and scalodb.pc
#   make test-ffi                 every C ABI check (also part of `make test`)

FFI_CBINDGEN_VERSION := 0.29.0
FFI_CBINDGEN := ffi/.tools/cbindgen-$(FFI_CBINDGEN_VERSION)/bin/cbindgen
FFI_VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
FFI_CARGO_OUT := $(or $(CARGO_TARGET_DIR),target)/release
FFI_LIB := ffi/build/lib
FFI_BIN := ffi/build/tests
FFI_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -Iinclude
FFI_STATIC_LIBS := -lpthread -ldl -lm
# Thread test size: threads and rounds; smaller under valgrind, which serialises threads.
FFI_THREAD_ARGS := 4 4 2000
FFI_THREAD_ARGS_SLOW := 2 2 200
FFI_VALGRIND := valgrind --quiet --leak-check=full --show-leak-kinds=definite,possible \
	--errors-for-leak-kinds=definite,possible --error-exitcode=1 --suppressions=tests/c/valgrind.supp
PREFIX ?= /usr/local

.PHONY: ffi-lib ffi-header ffi-check-header ffi-tools install install-ffi test-ffi ffi-c-tests

# Commands the tests need, installed from Debian when missing (CI and fresh machines run as root).
ffi-tools:
	@missing=""; \
	for pair in valgrind:valgrind pkg-config:pkg-config g++:g++ gcc:gcc readelf:binutils; do \
		cmd=$${pair%%:*}; pkg=$${pair##*:}; \
		command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

$(FFI_CBINDGEN):
	$(CARGO) install cbindgen --version $(FFI_CBINDGEN_VERSION) --locked --root ffi/.tools/cbindgen-$(FFI_CBINDGEN_VERSION)

# Cargo decides whether anything changed; the copies give the libraries their C names.
ffi-lib: check-tools
	$(CARGO) build --release -p scalodb-ffi
	@mkdir -p $(FFI_LIB)
	cp -f $(FFI_CARGO_OUT)/libscalodb_ffi.so $(FFI_LIB)/libscalodb.so.$(FFI_VERSION)
	ln -sfn libscalodb.so.$(FFI_VERSION) $(FFI_LIB)/libscalodb.so.0
	ln -sfn libscalodb.so.0 $(FFI_LIB)/libscalodb.so
	cp -f $(FFI_CARGO_OUT)/libscalodb_ffi.a $(FFI_LIB)/libscalodb.a

ffi-header: $(FFI_CBINDGEN)
	$(FFI_CBINDGEN) --quiet --config ffi/cbindgen.toml --output include/scalodb.h ffi
	@# The Go module ships its own copy (it must compile without the rest of the repository).
	cp -f include/scalodb.h bindings/go/include/scalodb.h

ffi-check-header: $(FFI_CBINDGEN)
	@tmp=$$(mktemp); \
	$(FFI_CBINDGEN) --quiet --config ffi/cbindgen.toml --output $$tmp ffi && \
	if diff -u include/scalodb.h $$tmp; then echo "include/scalodb.h is up to date"; rm -f $$tmp; \
	else rm -f $$tmp; echo "include/scalodb.h is stale: run 'make ffi-header' and commit it"; exit 1; fi

install: install-ffi

install-ffi: ffi-lib
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include
	install -m 0755 $(FFI_LIB)/libscalodb.so.$(FFI_VERSION) $(DESTDIR)$(PREFIX)/lib/
	ln -sfn libscalodb.so.$(FFI_VERSION) $(DESTDIR)$(PREFIX)/lib/libscalodb.so.0
	ln -sfn libscalodb.so.0 $(DESTDIR)$(PREFIX)/lib/libscalodb.so
	install -m 0644 $(FFI_LIB)/libscalodb.a $(DESTDIR)$(PREFIX)/lib/
	install -m 0644 include/scalodb.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(FFI_VERSION)|' ffi/scalodb.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/scalodb.pc

# The C programs, built four ways: against the shared library, the static one, with
# ASan+UBSan, and run again under valgrind; plus the C++ check and the installed-library example.
ffi-c-tests: ffi-tools ffi-lib
	@mkdir -p $(FFI_BIN)
	@# One shared and one static build of each single-threaded test.
	for t in store conditional_writes transactions_and_limits types types_sets; do \
	  gcc $(FFI_CFLAGS) -o $(FFI_BIN)/$$t-shared tests/c/test_$$t.c -L$(FFI_LIB) -lscalodb -Wl,-rpath,'$$ORIGIN/../lib' && \
	  gcc $(FFI_CFLAGS) -o $(FFI_BIN)/$$t-static tests/c/test_$$t.c $(FFI_LIB)/libscalodb.a $(FFI_STATIC_LIBS) && \
	  gcc $(FFI_CFLAGS) -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
	    -o $(FFI_BIN)/$$t-asan tests/c/test_$$t.c $(FFI_LIB)/libscalodb.a $(FFI_STATIC_LIBS) || exit 1; \
	done
	gcc $(FFI_CFLAGS) -pthread -o $(FFI_BIN)/threads tests/c/test_threads.c $(FFI_LIB)/libscalodb.a $(FFI_STATIC_LIBS)
	gcc $(FFI_CFLAGS) -pthread -o $(FFI_BIN)/server tests/c/test_server.c -L$(FFI_LIB) -lscalodb -Wl,-rpath,'$$ORIGIN/../lib'
	gcc $(FFI_CFLAGS) -pthread -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		-o $(FFI_BIN)/server-asan tests/c/test_server.c $(FFI_LIB)/libscalodb.a $(FFI_STATIC_LIBS)
	gcc $(FFI_CFLAGS) -pthread -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all \
		-o $(FFI_BIN)/threads-asan tests/c/test_threads.c $(FFI_LIB)/libscalodb.a $(FFI_STATIC_LIBS)
	g++ -std=c++17 -Wall -Wextra -Werror -g -Iinclude -o $(FFI_BIN)/cpp tests/c/test_cpp.cpp \
		$(FFI_LIB)/libscalodb.a $(FFI_STATIC_LIBS) -pthread
	@for t in store conditional_writes transactions_and_limits types types_sets; do \
	  echo "== $$t, shared library" && $(FFI_BIN)/$$t-shared && \
	  echo "== $$t, static library" && $(FFI_BIN)/$$t-static && \
	  echo "== $$t, ASan+UBSan" && ASAN_OPTIONS=detect_leaks=1 $(FFI_BIN)/$$t-asan && \
	  echo "== $$t, valgrind" && $(FFI_VALGRIND) $(FFI_BIN)/$$t-shared || exit 1; \
	done
	@echo "== server" && $(FFI_BIN)/server
	@echo "== server, ASan+UBSan" && ASAN_OPTIONS=detect_leaks=1 $(FFI_BIN)/server-asan
	@echo "== threads" && $(FFI_BIN)/threads $(FFI_THREAD_ARGS)
	@echo "== threads, ASan+UBSan" && ASAN_OPTIONS=detect_leaks=1 $(FFI_BIN)/threads-asan $(FFI_THREAD_ARGS)
	@echo "== C++17" && $(FFI_BIN)/cpp
	@echo "== server, valgrind" && $(FFI_VALGRIND) $(FFI_BIN)/server
	@echo "== threads, valgrind" && $(FFI_VALGRIND) $(FFI_BIN)/threads $(FFI_THREAD_ARGS_SLOW)
	@echo "== C++17, valgrind" && $(FFI_VALGRIND) $(FFI_BIN)/cpp

test-ffi: ffi-check-header ffi-c-tests
	$(CARGO) test --release -p scalodb-ffi
	$(CARGO) clippy --release -p scalodb-ffi --all-targets --no-deps -- -D warnings
	@echo "== make install into a temporary prefix, then examples/c with pkg-config"
	@tmp=$$(mktemp -d) && trap 'rm -rf $$tmp' EXIT && \
	$(MAKE) --no-print-directory install PREFIX=$$tmp && \
	test -L $$tmp/lib/libscalodb.so.0 -a -f $$tmp/lib/libscalodb.a -a -f $$tmp/include/scalodb.h && \
	readelf -d $$tmp/lib/libscalodb.so | grep -q 'Library soname: \[libscalodb.so.0\]' && \
	PKG_CONFIG_PATH=$$tmp/lib/pkgconfig $(MAKE) --no-print-directory -C examples/c OUT=$$tmp/bin all && \
	readelf -d $$tmp/bin/quickstart | grep -q 'Shared library: \[libscalodb.so.0\]' && \
	! readelf -d $$tmp/bin/quickstart-static | grep -q libscalodb && \
	LD_LIBRARY_PATH=$$tmp/lib $$tmp/bin/quickstart $$tmp/data && \
	$$tmp/bin/quickstart-static $$tmp/data && \
	echo "installed library: ok"

.PHONY: clean-ffi
clean: clean-ffi
clean-ffi:
	rm -rf ffi/build

EXTRA_TESTS += test-ffi
