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
LDLIBS	 = -lcjson -lcsv -lgsl -lgslcblas -lcrypto -lz -lm

# A room per program: tools/<prog>/main.c and the modules only it uses
# (any depth); libcommon/ holds what two or more programs share.  The
# one-way rule (room -> libcommon, never sideways, never up) is checked by
# scripts/check-layout.sh from make lint and the tests.
PROGS	 = trace-parse batchify roofline-eval fit-penalty trace-replay \
	   rooftrace-calibrate
room_src = $(shell find tools/$(1) -name '*.c' | sort)
LIB_SRC	 = $(shell find libcommon -name '*.c' | sort)
LIB_OBJ	 = $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB	 = $(BUILD)/libcommon.a
TOOL_SRC = $(foreach p,$(PROGS),$(call room_src,$(p)))
BINS	 = $(PROGS:%=$(BIN)/%)

all: $(BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ROOM_INC) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

# A room's modules include each other by their path inside the room.
define prog_rule
$(BUILD)/tools/$(1)/%.o: ROOM_INC = -Itools/$(1)
$(BIN)/$(1): $(patsubst %.c,$(BUILD)/%.o,$(call room_src,$(1))) $(LIB)
	@mkdir -p $(BIN)
	$(CC) $(ALL_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(LIB) $(LDLIBS)
endef
$(foreach p,$(PROGS),$(eval $(call prog_rule,$(p))))

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
# Then the layout's one-way rule (scripts/check-layout.sh), on the build.
lint: $(BINS)
	cppcheck --quiet --error-exitcode=1 --std=c11 \
	  --enable=warning,style,performance,portability \
	  --suppress=missingIncludeSystem --suppress=variableScope \
	  --suppress=constParameter --inline-suppr \
	  -D_POSIX_C_SOURCE=200809L -Ilibcommon $(foreach p,$(PROGS),-Itools/$(p)) libcommon tools fuzz
	scripts/check-layout.sh $(BUILD)

# libFuzzer harnesses: fuzz/<reader>.c, each run for FUZZ_SECONDS.
FUZZ_SECONDS ?= 20
FUZZ_SRC = $(wildcard fuzz/*.c)
FUZZ_BIN = $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)
FUZZ_FLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -ffp-contract=off \
	-DROOFTRACE_VERSION='"$(VERSION)"' \
	-Ilibcommon -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all

# A harness named <prog>_<reader>.c links that program's room (less its
# main.c) beside libcommon; any other harness links libcommon alone.
fuzz_room = $(firstword $(foreach p,$(PROGS),$(if $(filter $(subst -,_,$(p))_%,$(1)),$(p))))
fuzz_src = $(LIB_SRC) $(if $(call fuzz_room,$(1)),$(filter-out %/main.c,$(call room_src,$(call fuzz_room,$(1)))))
.SECONDEXPANSION:
build/fuzz/%: fuzz/%.c $$(call fuzz_src,%) $$(shell find libcommon tools -name '*.h')
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) $(if $(call fuzz_room,$*),-Itools/$(call fuzz_room,$*)) \
	  -o $@ $< $(call fuzz_src,$*) $(LDLIBS)

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
DOCDIR	 = $(DESTDIR)$(PREFIX)/share/doc/rooftrace
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
	install -d $(DOCDIR)
	install -m 644 README.md doc/*.md doc/*.png $(DOCDIR)/
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	for p in $(PROGS); do install -m 644 share/bash-completion/rooftrace \
	  $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$p; done

uninstall:
	rm -f $(PROGS:%=$(DESTDIR)$(PREFIX)/bin/%) \
	  $(PROGS:%=$(DESTDIR)$(PREFIX)/share/man/man1/%.1) \
	  $(PROGS:%=$(DESTDIR)$(PREFIX)/share/bash-completion/completions/%)
	rm -rf $(SHARE) $(DOCDIR)

clean:
	rm -rf build bin
