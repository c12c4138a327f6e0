# vessel - a low-level OCI container runtime, a drop-in replacement for runc.
#
#   make                 build ./vessel (src/ + libcontainer/libcontainer.a)
#   make check           unit + integration + client tests, one summary line
#   make unit            cmocka unit tests (no root needed)
#   make lint            checks of the test suites (every bats run is checked)
#   make integration     bats integration tests (root)
#   make clients         containerd / podman / dockerd tests (root)
#   make check-cgroup2   the cgroup v2 tests inside a qemu VM
#   make check-systemd   the systemd VM lane (systemd as PID 1, pure cgroup v2)
#   make asan            build and run the unit tests under ASan/UBSan
#   make bench           vessel vs runc vs crun, side by side
#   make fuzz            libFuzzer targets (clang)
#   make man             man pages from man/*.md
#   make install         PREFIX=/usr/local DESTDIR=

CC      ?= gcc
PKG_CONFIG ?= pkg-config
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

VERSION := 0.1.0
COMMIT  := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)

PKGS    := libseccomp libcap yajl libselinux libmnl
PKG_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
# LINK=static (the default) links Debian's libseccomp, libcap, yajl and
# libselinux archives into the binary: no dynamic symbol resolution for them
# at every start (about 0.4 ms of each command).  libmnl and libc stay shared
# (Debian ships no libmnl archive).  LINK=shared links everything shared.
LINK    ?= static
ifeq ($(LINK),static)
PKG_LIBS := -Wl,-Bstatic $(shell $(PKG_CONFIG) --libs --static libseccomp libcap libselinux 2>/dev/null) \
	-lyajl_s -Wl,-Bdynamic $(shell $(PKG_CONFIG) --libs libmnl 2>/dev/null)
else
PKG_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
endif

OPT     ?= -O2 -g
WERROR  ?= -Werror
CFLAGS  ?= $(OPT)
ALL_CFLAGS := -std=gnu17 -Wall -Wextra $(WERROR) -Wno-missing-field-initializers \
	-Wformat=2 -Wshadow=local -Wvla \
	-fPIE -fstack-protector-strong -fstack-clash-protection -fcf-protection \
	$(PKG_CFLAGS) $(CFLAGS)
ALL_CPPFLAGS = -D_FORTIFY_SOURCE=3 -DVESSEL_VERSION='"$(VERSION)"' -I$(BUILD) $(CPPFLAGS)
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(LDFLAGS)

BUILD   ?= build
LIB_SRC := $(sort $(wildcard libcontainer/*.c libcontainer/cgroups/*.c))
CLI_SRC := $(sort $(wildcard src/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libcontainer/libcontainer.a

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: FORCE all check lint unit integration clients check-cgroup2 check-systemd asan bench fuzz man install clean deps

all: vessel

# The commit goes into a header that changes only when the commit does, so
# that --version and `features` never show a stale one.
$(BUILD)/commit.h: FORCE
	@mkdir -p $(BUILD)
	@printf '#define VESSEL_COMMIT "%s"\n' '$(COMMIT)' >$@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BUILD)/src/main.o $(BUILD)/src/features.o: $(BUILD)/commit.h
FORCE:

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@rm -f $@
	@echo "  AR      $@"
	@$(AR) rcs $@ $^

libcontainer/libcontainer.a: $(LIB)
	cp $(LIB) $@

vessel: $(CLI_OBJ) $(LIB)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h tests/unit/cgtree.h $(LIB) src/cli.c src/cli.h
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -Wno-unused-parameter $(ALL_LDFLAGS) -o $@ $< $(LIB) \
		$(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

unit: $(UNIT_BIN)
	@tests/run-unit.sh $(UNIT_BIN)

lint:
	@tests/run-lint.sh

integration: vessel
	@tests/run-bats.sh integration tests/integration

clients: vessel
	@tests/run-bats.sh clients tests/integration/clients

check-cgroup2: vessel
	@tests/run-cgroup2.sh

check-systemd: vessel
	@tests/run-systemd.sh

check: vessel $(UNIT_BIN)
	@tests/run-all.sh $(UNIT_BIN)

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" unit

bench: vessel
	@bench/run.sh

fuzz:
	$(MAKE) -C tests/fuzz

MAN_MD := $(sort $(wildcard man/*.8.md))
MAN_ROFF := $(MAN_MD:man/%.md=$(BUILD)/man/%)
$(BUILD)/man/%: man/%.md
	@mkdir -p $(dir $@)
	@if command -v go-md2man >/dev/null; then go-md2man -in $< -out $@; \
	 elif command -v pandoc >/dev/null; then pandoc -s -t man $< -o $@; \
	 else echo "vessel: need go-md2man or pandoc to build man pages" >&2; exit 1; fi
man: $(MAN_ROFF)

install: vessel man
	install -D -m 0755 vessel $(DESTDIR)$(BINDIR)/vessel
	for m in $(MAN_ROFF); do install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man8/$$(basename $$m); done
	install -D -m 0644 completions/vessel.bash $(DESTDIR)$(BASHCOMPDIR)/vessel

deps:
	scripts/install-deps.sh

clean:
	rm -rf build build-asan vessel libcontainer/libcontainer.a
	$(MAKE) -C tests/fuzz clean 2>/dev/null || true

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
