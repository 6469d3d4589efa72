# Liaison — the README's commands. `make` builds build/liaison; `make demo`
# serves the demo; `make check` runs every test; `make bench` measures.
PORT ?= 8080
JOBS ?= $(shell nproc)
BUILD := build
ASAN := build-asan
FUZZ := build-fuzz
TSAN := build-tsan

.PHONY: all build deps demo check bench clean format

all: build

deps:
	@scripts/deps

# The generated Makefile, not CMakeCache.txt, says the build folder is
# configured: a configure that failed (say, before `make deps` installed a
# library) leaves a cache but no Makefile, and the next make configures again.
$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIAISON_WERROR=ON

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

# init first: every other command refuses a database file that does not exist.
demo: deps build
	@mkdir -p var
	$(BUILD)/liaison init --db var/demo.db
	$(BUILD)/liaison serve --db var/demo.db --listen 127.0.0.1:$(PORT) --demo

# Every test: the sanitizer pass (unit + API under ASan and UBSan), the API
# suite on SQLite under ThreadSanitizer, the fuzz harnesses replaying their
# corpora, then the full suite (unit, API, docs, lint, browser) on the normal
# build. ctest's summary is the last thing printed.
check: deps
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DLIAISON_WERROR=ON -DLIAISON_SANITIZE=ON \
		-DLIAISON_BROWSER_TESTS=OFF -DCMAKE_C_COMPILER=gcc
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) -L 'unit|api'
	cmake -S . -B $(TSAN) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIAISON_WERROR=ON -DLIAISON_TSAN=ON \
		-DLIAISON_BROWSER_TESTS=OFF -DLIAISON_PG_TESTS=OFF -DCMAKE_C_COMPILER=clang
	cmake --build $(TSAN) -j $(JOBS) --target liaison
	cd $(TSAN) && TSAN_OPTIONS="suppressions=$(CURDIR)/tests/tsan.supp second_deadlock_stack=1 history_size=4" \
		ctest --output-on-failure -j $(JOBS) -L api
	cmake -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=Debug -DLIAISON_WERROR=ON -DLIAISON_FUZZ=ON \
		-DLIAISON_SANITIZE=ON -DLIAISON_NODE_TESTS=OFF -DCMAKE_C_COMPILER=clang
	cmake --build $(FUZZ) -j $(JOBS)
	cd $(FUZZ) && ctest --output-on-failure -j $(JOBS) -L fuzz
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLIAISON_WERROR=ON
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# Benchmarks (not tests): an optimised build, a generated network (SCALE=,
# default 5,000 partners and 1,000,000 referrals), each scenario against its
# baseline in the same run; writes bench/results/<date>-<engine>.md.
bench: deps
	bench/run

clean:
	rm -rf $(BUILD) $(ASAN) $(TSAN) $(FUZZ) build-bench

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tools/*.c' 'bench/*.c')
