# rooftrace: one Makefile for every program.  Targets: all check demo bench
# install lint fuzz clean.  SAN=1 builds with ASan+UBSan into build/san/.

PREFIX	?= /usr/local
DESTDIR	?=
VERSION	 = 0.1.0

CC	?= cc
ifeq ($(SAN),1)
BUILD	 = build/san
BIN	 = build/san/bin
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all \
	   -fno-omit-frame-pointer
OPT	 = -O1
else
BUILD	 = build
BIN	 = bin
SANFLAGS =
OPT	 = -O2
endif

# -ffp-contract=off: BLIS's arithmetic is never fused, nor may ours be.
CFLAGS	?= $(OPT) -g
ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
	-ffp-contract=off -Ilibcommon -MMD -MP $(SANFLAGS) \
	-DROOFTRACE_VERSION='"$(VERSION)"' \
	-DROOFTRACE_SHAREDIR='"$(PREFIX)/share/rooftrace"' $(CFLAGS)
ALL_LDFLAGS = $(SANFLAGS) -Wl,--as-needed $(LDFLAGS)
LDLIBS	 = -lcjson -lcsv -lgsl -lgslcblas -lm

LIB_SRC	 = $(wildcard libcommon/*.c)
LIB_OBJ	 = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB	 = $(BUILD)/libcommon.a
TOOL_SRC = $(wildcard tools/*.c)
PROGS	 = $(TOOL_SRC:tools/%.c=%)
BINS	 = $(PROGS:%=$(BIN)/%)

.PHONY: all check demo bench install uninstall lint fuzz clean deps test-deps

all: $(BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/%: $(BUILD)/tools/%.o $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

-include $(LIB_OBJ:.o=.d) $(TOOL_SRC:%.c=$(BUILD)/%.d)

# Install whatever Debian packages are missing (non-interactive).
deps:
	@scripts/install-deps.sh all

check: deps
	@$(MAKE) --no-print-directory all
	@ROOFTRACE_BIN=$(CURDIR)/$(BIN) test/run

demo: deps
	@$(MAKE) --no-print-directory all
	@BIN=$(CURDIR)/$(BIN) scripts/demo.sh

bench: deps
	@scripts/install-deps.sh bench
	@$(MAKE) --no-print-directory all
	@BIN=$(CURDIR)/$(BIN) bench/run

# variableScope is off: style(9) declares locals at the top of a function.
lint:
	cppcheck --quiet --error-exitcode=1 --std=c11 \
	  --enable=warning,style,performance,portability \
	  --suppress=missingIncludeSystem --suppress=variableScope \
	  --suppress=constParameter --inline-suppr \
	  -D_POSIX_C_SOURCE=200809L -Ilibcommon libcommon tools fuzz

# libFuzzer harnesses: fuzz/<reader>.c, each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 20
FUZZ_SRC = $(wildcard fuzz/*.c)
FUZZ_BIN = $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -ffp-contract=off \
	-Ilibcommon -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all

build/fuzz/%: fuzz/%.c $(LIB_SRC) $(wildcard libcommon/*.h)
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(LDLIBS)

fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
	  n=$${f##*/}; mkdir -p build/fuzz/corpus/$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
	  seeds=; [ -d fuzz/seeds/$$n ] && seeds=fuzz/seeds/$$n; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	    build/fuzz/corpus/$$n $$seeds 2>build/fuzz/$$n.log || \
	    { tail -40 build/fuzz/$$n.log; exit 1; }; \
	  grep -E '^(#[0-9]+ +DONE|Done)' build/fuzz/$$n.log | tail -1; \
	done

SHARE	 = $(DESTDIR)$(PREFIX)/share/rooftrace
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(SHARE)/models $(SHARE)/schemas \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 share/hardware_config.json $(SHARE)/
	for d in share/models/*/; do \
	  n=$$(basename $$d); install -d $(SHARE)/models/$$n; \
	  install -m 644 $$d/config.json $(SHARE)/models/$$n/; done
	install -m 644 schemas/*.json $(SHARE)/schemas/
	install -m 644 share/man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	for p in $(PROGS); do install -m 644 share/bash-completion/rooftrace \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$p; done

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(PREFIX)/bin/%) \
	  $(PROGS:%=$(DESTDIR)$(PREFIX)/share/man/man1/%.1) \
	  $(PROGS:%=$(DESTDIR)$(PREFIX)/share/bash-completion/completions/%)
	rm -rf $(SHARE)

clean:
	rm -rf build bin
