# gzf — public rental housing service platform. See README.md.
#
#   make            build build/gzf (and the front end when web/ changed)
#   make run        install what is missing, build, load the demo data and serve on :8080
#   make test       every test: unit, fuzzing (30 s a target), API on SQLite and PostgreSQL, browser
#   make bench      the benchmarks under bench/ (lottery draw, HTTP layer, listings search at
#                   national scale, progress page and worklist, 60-second httperf soak,
#                   kill -9 durability)
#   make fuzz       every libFuzzer target for FUZZ_SECONDS each (tests/fuzz/README.md)

CC       ?= gcc
PKGS     := libmicrohttpd jansson sqlite3 libpq libsodium libcurl expat zlib gdlib
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wformat=2 \
            -Wstrict-prototypes -Wmissing-prototypes -fno-strict-aliasing -Isrc
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS   += $(PKG_LIBS) -lpthread -lm

SRC      := $(sort $(wildcard src/core/*.c src/http/*.c src/store/*.c src/domain/*.c \
                             src/api/*.c src/partners/*.c src/sim/*.c))
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
OBJ      := $(SRC:src/%.c=build/obj/%.o) build/obj/migrations.o
ASAN_OBJ := $(SRC:src/%.c=build/asan/%.o) build/asan/migrations.o
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
              -DGZF_FAULT_INJECTION
FUZZ_CC  ?= clang
FUZZ_FLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_OBJ := $(SRC:src/%.c=build/fuzz-obj/%.o) build/fuzz-obj/migrations.o
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 600
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
WEB_SRC  := $(shell find web -path web/dist -prune -o -type f -print 2>/dev/null)

# Compile lines stay short: `make V=1` shows them in full.
Q := $(if $(V),,@)

.PHONY: all deps deps-test deps-bench run test test-unit test-api test-browser bench clean web \
        fuzz fuzz-build
all: build/gzf web

deps:
	@scripts/deps.sh

deps-test:
	@scripts/deps.sh test

deps-bench:
	@scripts/deps.sh bench

build/gzf: build/obj/main.o $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/gzf-asan: build/asan/main.o $(ASAN_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(ASAN_FLAGS) -o $@ $^ $(LDLIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/asan/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	$(Q)$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/migrations.c: scripts/embed-sql.sh $(MIGRATIONS)
	@mkdir -p build
	$(Q)scripts/embed-sql.sh $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

build/obj/migrations.o: build/migrations.c
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/asan/migrations.o: build/migrations.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) $(PKG_CFLAGS) -c -o $@ $<

# The fuzz targets: the sources again, compiled by clang with the sanitizers and
# libFuzzer's coverage hooks, linked once per target.
build/fuzz-obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	@echo "  CC fuzz $<"
	$(Q)$(FUZZ_CC) $(filter-out -O2 -Werror,$(CFLAGS)) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link \
		$(PKG_CFLAGS) -MMD -MP -c -o $@ $<

build/fuzz-obj/migrations.o: build/migrations.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(filter-out -O2 -Werror,$(CFLAGS)) $(FUZZ_FLAGS) $(PKG_CFLAGS) -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD fuzz $@"
	$(Q)$(FUZZ_CC) $(filter-out -O2 -Werror,$(CFLAGS)) $(FUZZ_FLAGS) -fsanitize=fuzzer $(PKG_CFLAGS) \
		-Itests/fuzz -o $@ $< $(FUZZ_OBJ) $(LDLIBS)

# The objects stay between builds (make would drop them as intermediates).
.SECONDARY: $(FUZZ_OBJ)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

build/unit-tests: $(UNIT_SRC) $(ASAN_OBJ) tests/unit/unit.h
	@echo "  LD      $@"
	$(Q)$(CC) $(filter-out -O2,$(CFLAGS)) $(ASAN_FLAGS) $(PKG_CFLAGS) -Itests/unit -o $@ \
		$(UNIT_SRC) $(ASAN_OBJ) $(LDLIBS) $(shell pkg-config --libs check)

# The front end: install the locked packages when the lock file changed, vite build when
# web/ changed. `npm install --no-save` rather than `npm ci`: it installs exactly what
# package-lock.json pins, but does not refuse a lock that lists only the platform
# packages the registry serves (rollup's native builds for other systems).
node_modules/.package-lock.json: package-lock.json
	npm install --no-save --no-audit --no-fund --loglevel=error
	@touch $@

web/dist/index.html: node_modules/.package-lock.json $(WEB_SRC)
	npm run --silent build

web: web/dist/index.html

run: deps all
	build/gzf demo
	scripts/run.sh

# The lottery benchmark: a C program on the domain objects, optimised like build/gzf.
build/bench/lottery: bench/lottery.c $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ bench/lottery.c $(OBJ) $(LDLIBS)

# The waiting-list benchmark: recomputing 100,000 positions, on the domain and store code.
build/bench/queue: bench/queue.c $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ bench/queue.c $(OBJ) $(LDLIBS)

# The reconciliation benchmark: a day's statement of 100,000 lines, on SQLite (and PostgreSQL
# with GZF_BENCH_PG_URL).
build/bench/recon: bench/recon.c $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ bench/recon.c $(OBJ) $(LDLIBS)

# The billing benchmark: a city's monthly run over 1,000,000 leases, on the domain and store code.
build/bench/billing: bench/billing.c $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ bench/billing.c $(OBJ) $(LDLIBS)

# The subsidy batch benchmark: computing and writing 100,000 households' batch.
build/bench/subsidy: bench/subsidy.c $(OBJ)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -o $@ bench/subsidy.c $(OBJ) $(LDLIBS)

test: deps-test build/gzf build/gzf-asan build/unit-tests fuzz-build web
	tests/run.sh

test-unit: build/unit-tests
	build/unit-tests

bench: deps-bench deps-test build/gzf build/bench/lottery build/bench/queue build/bench/recon build/bench/billing build/bench/subsidy
	build/bench/lottery
	build/bench/queue
	build/bench/recon
	build/bench/billing
	build/bench/subsidy
	bench/queue-http
	bench/http
	bench/listings
	bench/resident-http
	bench/soak
	bench/crash

clean:
	rm -rf build web/dist

-include $(OBJ:.o=.d) $(ASAN_OBJ:.o=.d) $(FUZZ_OBJ:.o=.d) build/obj/main.d build/asan/main.d
