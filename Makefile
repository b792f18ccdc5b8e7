# One non-recursive build for the whole kit. See README.md.
#   make            programs into bin/
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run the demonstration
#   make bench      benchmarks (bench/)
#   make fuzz       libFuzzer harnesses (clang) into build/fuzz/
#   SANITIZE=1      build with ASan + UBSan (into build/san/, bin in build/san/bin)
#   V=1             show full compiler command lines

CC      ?= cc
PREFIX  ?= /usr/local
PKGS    := openssl libpcap

CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
	-Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-Wformat=2 -MMD -MP -iquote common
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

ifeq ($(SANITIZE),1)
BUILD := build/san
BIN   := build/san/bin
CFLAGS_BASE += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
else
BUILD := build/release
BIN   := bin
endif

CFLAGS ?=
override CFLAGS := $(CFLAGS_BASE) $(CFLAGS)
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# --- the shared library of the kit -------------------------------------------
COMMON_SRC := $(wildcard common/*.c)
COMMON_OBJ := $(COMMON_SRC:%.c=$(BUILD)/%.o)
LIBKIT     := $(BUILD)/libkit.a

PROGRAMS := $(BIN)/plain-server $(BIN)/plain-client $(BIN)/sniffer \
	$(BIN)/secure-server $(BIN)/secure-client $(BIN)/secure-keys \
	$(BIN)/loadgen
PCAP_LIBS := $(shell pkg-config --libs libpcap 2>/dev/null || echo -lpcap)
SSL_CFLAGS := $(shell pkg-config --cflags openssl 2>/dev/null)
SSL_LIBS := $(shell pkg-config --libs openssl 2>/dev/null || echo -lssl -lcrypto)
SECURE_SRC := $(filter-out secure_chat/server.c secure_chat/client.c \
	secure_chat/keys_main.c,$(wildcard secure_chat/*.c))
SECURE_OBJ := $(SECURE_SRC:%.c=$(BUILD)/%.o)
SNIFFER_SRC := $(filter-out sniffer/main.c,$(wildcard sniffer/*.c))
SNIFFER_OBJ := $(SNIFFER_SRC:%.c=$(BUILD)/%.o)

all: $(PROGRAMS)

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(LIBKIT): $(COMMON_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN)/plain-server: $(BUILD)/plaintext_chat/server.o $(LIBKIT)
$(BIN)/plain-client: $(BUILD)/plaintext_chat/client.o $(LIBKIT)
LOADGEN_SRC := $(wildcard bench/loadgen*.c)
$(BIN)/loadgen: $(LOADGEN_SRC:%.c=$(BUILD)/%.o) $(SECURE_OBJ) $(LIBKIT)
$(BIN)/loadgen: LDLIBS += $(SSL_LIBS)
$(LOADGEN_SRC:%.c=$(BUILD)/%.o): CFLAGS += -iquote secure_chat $(SSL_CFLAGS)
$(BIN)/sniffer: $(BUILD)/sniffer/main.o $(SNIFFER_OBJ) $(LIBKIT)
$(BIN)/sniffer: LDLIBS += $(PCAP_LIBS) $(SSL_LIBS) -pthread
$(BIN)/secure-server: $(BUILD)/secure_chat/server.o $(SECURE_OBJ) $(LIBKIT)
$(BIN)/secure-client: $(BUILD)/secure_chat/client.o $(SECURE_OBJ) $(LIBKIT)
$(BIN)/secure-keys: $(BUILD)/secure_chat/keys_main.o $(SECURE_OBJ) $(LIBKIT)
$(BIN)/secure-server $(BIN)/secure-client $(BIN)/secure-keys: \
	LDLIBS += $(SSL_LIBS)
$(BUILD)/sniffer/%.o: CFLAGS += -iquote sniffer $(SSL_CFLAGS)
$(BUILD)/common/%.o: CFLAGS += $(SSL_CFLAGS)
$(BUILD)/secure_chat/%.o: CFLAGS += -iquote secure_chat $(SSL_CFLAGS)

$(PROGRAMS):
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# --- tests -------------------------------------------------------------------
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(BUILD)/tests/unit-tests

$(UNIT_OBJ): CFLAGS += $(CHECK_CFLAGS) -iquote sniffer -iquote secure_chat \
	$(SSL_CFLAGS)
$(UNIT_BIN): $(UNIT_OBJ) $(SNIFFER_OBJ) $(SECURE_OBJ) $(LIBKIT)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(PCAP_LIBS) $(SSL_LIBS) -pthread

# --- sniffer test cases (tests/integration/20-sniffer-cases.sh) -------------
GEN_CAPTURES_SRC := $(wildcard tests/sniffer/*.c)
GEN_CAPTURES_OBJ := $(GEN_CAPTURES_SRC:%.c=$(BUILD)/%.o)
GEN_CAPTURES     := $(BUILD)/tests/gen_captures

$(GEN_CAPTURES): $(GEN_CAPTURES_OBJ)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# --- mitm_proxy (tests/mitm/): tampering relay for secure_chat tests -------
MITM_SRC   := $(wildcard tests/mitm/*.c)
MITM_OBJ   := $(MITM_SRC:%.c=$(BUILD)/%.o)
MITM_PROXY := $(BUILD)/tests/mitm_proxy

$(MITM_PROXY): $(MITM_OBJ) $(LIBKIT)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^

# Every test runs under ASan + UBSan with gcc. The kit must also build
# warning-free with clang, whose UBSan checks more (a null pointer plus
# zero, for one): check builds it with clang, sanitized, and runs the unit
# tests there too.
check: deps
	@echo "== clang: the build and the unit tests (Check), ASan + UBSan"
	$(MAKE) --no-print-directory CC=clang BUILD=build/clang \
		BIN=build/clang/bin SANITIZE=1 unit
	$(MAKE) --no-print-directory SANITIZE=1 test-all

test-all: all $(UNIT_BIN) $(GEN_CAPTURES) $(MITM_PROXY) fuzz
	@echo "== unit tests (Check)"
	$(Q)$(UNIT_BIN)
	@echo "== integration tests"
	$(Q)KIT_BIN=$(BIN) bash tests/integration/run.sh
	@echo "== mitm_proxy self-tests"
	$(Q)python3 tests/mitm/check_modes.py $(MITM_PROXY)
	$(Q)MITM_PROXY=$(MITM_PROXY) KIT_BIN=$(BIN) bash tests/mitm/check_irc_raw.sh
	@echo "== fuzz smoke"
	$(Q)bash tests/fuzz/smoke.sh build/fuzz

unit: all $(UNIT_BIN)
	$(Q)$(UNIT_BIN)

integration: all $(GEN_CAPTURES) $(MITM_PROXY)
	$(Q)KIT_BIN=$(BIN) bash tests/integration/run.sh $(TESTS)

# --- fuzzing (clang + libFuzzer) ------------------------------------------------
FUZZ_CC    ?= clang
FUZZ_FLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -iquote common \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN   := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

fuzz: $(FUZZ_BIN)

# The secure harness needs secure_chat and OpenSSL.
build/fuzz/fuzz_secure: tests/fuzz/fuzz_secure.c $(COMMON_SRC) \
		$(SECURE_SRC) $(wildcard secure_chat/*.h common/*.h)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -iquote secure_chat -o $@ $< \
		$(COMMON_SRC) $(SECURE_SRC) $(SSL_LIBS)

# The capture and --keylog harnesses also need the sniffer and libpcap.
build/fuzz/fuzz_capture build/fuzz/fuzz_unseal: build/fuzz/%: \
		tests/fuzz/%.c $(COMMON_SRC) $(SNIFFER_SRC) \
		$(wildcard sniffer/*.h common/*.h)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -iquote sniffer -o $@ $< $(COMMON_SRC) \
		$(SNIFFER_SRC) $(PCAP_LIBS) $(SSL_LIBS)

build/fuzz/%: tests/fuzz/%.c $(COMMON_SRC) $(wildcard common/*.h)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(COMMON_SRC) $(SSL_LIBS)

# --- demonstration, benchmarks, installation --------------------------------------
demo: deps-build all
	$(Q)bash labs/demo.sh $(BIN)

# Benchmark helpers: capture generator with ground truth, the pcap_next_ex
# floor, and a libnids reassembler (Debian ships libnids only as a shared
# library in libnids1.21; its -dev package's static one needs libnet/glib).
BENCH_TOOLS := $(BUILD)/bench/gen_capture $(BUILD)/bench/pcap_loop \
	$(BUILD)/bench/nids_count $(BUILD)/bench/hs_bench
GEN_CAPTURE_SRC := $(wildcard bench/gen_capture*.c)
$(BUILD)/bench/gen_capture: $(GEN_CAPTURE_SRC:%.c=$(BUILD)/%.o)
$(BUILD)/bench/gen_capture: LDLIBS += $(shell pkg-config --libs libcrypto)
$(BUILD)/bench/pcap_loop: $(BUILD)/bench/pcap_loop.o
$(BUILD)/bench/pcap_loop: LDLIBS += $(PCAP_LIBS)
$(BUILD)/bench/nids_count: $(BUILD)/bench/nids_count.o
$(BUILD)/bench/nids_count: LDLIBS += -l:libnids.so.1.21 $(PCAP_LIBS)
# secure_chat handshakes, bulk and records (bench/secure_bench.sh).
HS_BENCH_SRC := $(wildcard bench/hs_*.c)
$(BUILD)/bench/hs_bench: $(HS_BENCH_SRC:%.c=$(BUILD)/%.o) $(SECURE_OBJ) $(LIBKIT)
$(BUILD)/bench/hs_bench: LDLIBS += $(SSL_LIBS)
$(HS_BENCH_SRC:%.c=$(BUILD)/%.o): CFLAGS += -iquote secure_chat $(SSL_CFLAGS)
$(BENCH_TOOLS):
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bench: deps-bench all $(BENCH_TOOLS)
	$(Q)bash bench/chat_bench.sh
	$(Q)KIT_BIN=$(BIN) BENCH_BIN=$(BUILD)/bench bash bench/sniffer_bench.sh
	$(Q)KIT_BIN=$(BIN) BENCH_BIN=$(BUILD)/bench bash bench/secure_bench.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN)/plain-server $(BIN)/plain-client $(BIN)/sniffer \
		$(BIN)/secure-server $(BIN)/secure-client $(BIN)/secure-keys \
		$(DESTDIR)$(PREFIX)/bin/

clean:
	rm -rf build bin

# --- Debian packages ---------------------------------------------------------
# What building needs (and the demo, and the openssl command of the
# README's --tls examples); the tests add their tools and reference
# programs, the benchmark its reference servers.
BUILD_PACKAGES := build-essential pkg-config libpcap-dev libssl-dev openssl
TEST_PACKAGES := check clang libclang-rt-14-dev ii procps psmisc iproute2 \
	python3 tcpdump tcpflow tshark weechat-headless weechat-plugins
BENCH_PACKAGES := ngircd libnids-dev time

deps-build:
	$(Q)bash tests/install-packages.sh $(BUILD_PACKAGES)

deps: deps-build
	$(Q)bash tests/install-packages.sh $(TEST_PACKAGES)

deps-bench: deps
	$(Q)bash tests/install-packages.sh $(BENCH_PACKAGES)

.PHONY: all check test-all unit integration fuzz demo bench install clean \
	deps deps-build deps-bench bench-tools

bench-tools: $(BENCH_TOOLS)

-include $(shell find build -name '*.d' 2>/dev/null)
