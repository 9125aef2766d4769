# helowrap — see README.md.  `make`, `make check`, `make demo`, `make install`.
CXX      ?= g++
CXXFLAGS ?= -O2 -g
# Release programs are linked statically: no ld.so, libstdc++ or ICU (pulled in by the
# shared Boost.Regex) to map per connection; peak RSS drops from about 5 MB to 1.4 MB.
SECTIONS  = -ffunction-sections -fdata-sections
LDSTATIC ?= -static -Wl,--gc-sections
WARN      = -std=c++17 -Wall -Wextra -Werror
SANFLAGS  = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
PREFIX   ?= /usr/local
DESTDIR  ?=
B         = build
S         = build/san

MAINS     = src/helowrap.cc src/helocheck.cc src/helostat.cc
LIB_SRC   = $(filter-out $(MAINS),$(wildcard src/*.cc))
UNIT_SRC  = $(wildcard tests/unit/*.cc)
LIBS      = -lboost_regex -ludns
TEST_LIBS = -lboost_unit_test_framework
PROGS     = helowrap helocheck helostat

DEBIAN_PKGS = g++ make libboost-regex-dev libboost-test-dev libudns-dev ucspi-tcp swaks \
              dnsmasq-base daemontools exim4-daemon-light valgrind

.PHONY: all check unit integration demo bench fuzz install deps clean
all: $(addprefix $(B)/,$(PROGS))

# --- release build -------------------------------------------------------------
$(B)/%.o: src/%.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(CXXFLAGS) $(SECTIONS) -MMD -MP -c -o $@ $<
$(B)/helowrap: $(B)/helowrap.o $(LIB_SRC:src/%.cc=$(B)/%.o)
	$(CXX) $(CXXFLAGS) $(LDSTATIC) -o $@ $^ $(LIBS)
$(B)/helocheck: $(B)/helocheck.o $(LIB_SRC:src/%.cc=$(B)/%.o)
	$(CXX) $(CXXFLAGS) $(LDSTATIC) -o $@ $^ $(LIBS)
$(B)/helostat: $(B)/helostat.o $(LIB_SRC:src/%.cc=$(B)/%.o)
	$(CXX) $(CXXFLAGS) $(LDSTATIC) -o $@ $^ $(LIBS)
# The same objects linked dynamically, for valgrind (it cannot follow a static malloc).
$(B)/dyn/helowrap: $(B)/helowrap.o $(LIB_SRC:src/%.cc=$(B)/%.o)
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LIBS)
# helocheck -b warns about patterns that refuse these well-known providers' HELO names
$(B)/helocheck.o: CXXFLAGS += -DPROVIDER_HELOS='"$(PREFIX)/share/helowrap/provider-helos.txt"'
# The differential test against glibc's own regcomp/regexec (SPEC §4.3), with the release
# objects: it forks glibc under a memory limit, which the sanitizers' address space breaks.
$(B)/qregex_diff/glibc_oracle.o: tests/qregex_diff/glibc_oracle.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(CXXFLAGS) -MMD -MP -c -o $@ $<
$(B)/qregex_diff/%.o: tests/qregex_diff/%.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(CXXFLAGS) -Isrc -MMD -MP -c -o $@ $<
$(B)/qregex_diff/qregex_diff: $(patsubst tests/qregex_diff/%.cc,$(B)/qregex_diff/%.o,$(wildcard tests/qregex_diff/*.cc)) \
                              $(LIB_SRC:src/%.cc=$(B)/%.o)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LIBS)
$(B)/qmailsim: tests/qmailsim.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(CXXFLAGS) -o $@ $<

# --- sanitizer build (ASan + UBSan): unit tests and a relay binary -------------
$(S)/%.o: src/%.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(SANFLAGS) -MMD -MP -c -o $@ $<
$(S)/unit/%.o: tests/unit/%.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(SANFLAGS) -Isrc -DBOOST_TEST_DYN_LINK -MMD -MP -c -o $@ $<
$(S)/helowrap: $(S)/helowrap.o $(LIB_SRC:src/%.cc=$(S)/%.o)
	$(CXX) $(SANFLAGS) -o $@ $^ $(LIBS)
$(S)/unit_tests: $(UNIT_SRC:tests/unit/%.cc=$(S)/unit/%.o) $(LIB_SRC:src/%.cc=$(S)/%.o)
	$(CXX) $(SANFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(S)/fuzz/%.o: tests/fuzz/%.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(SANFLAGS) -Isrc -Itests/unit -MMD -MP -c -o $@ $<
$(S)/fuzz_replay: $(S)/fuzz/replay.o $(S)/fuzz/session_fuzz.o $(LIB_SRC:src/%.cc=$(S)/%.o)
	$(CXX) $(SANFLAGS) -o $@ $^ $(LIBS)

# --- libFuzzer build (clang) -------------------------------------------------------
FUZZ_SECONDS ?= 600
FUZZ_PKGS     = clang libclang-rt-14-dev
$(B)/fuzz/session_fuzz: tests/fuzz/session_fuzz.cc tests/unit/qmail_model.h $(LIB_SRC) $(wildcard src/*.h)
	@mkdir -p $(@D)
	clang++ $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Itests/unit -o $@ \
	  tests/fuzz/session_fuzz.cc $(LIB_SRC) $(LIBS)

-include $(wildcard $(B)/*.d $(B)/qregex_diff/*.d $(S)/*.d $(S)/unit/*.d $(S)/fuzz/*.d)

# --- tests and demo --------------------------------------------------------------
deps:
	@sh tests/install-deps.sh $(DEBIAN_PKGS)

check: deps
	$(MAKE) all $(B)/qmailsim $(B)/dyn/helowrap $(S)/unit_tests $(S)/helowrap $(S)/fuzz_replay \
	  $(B)/qregex_diff/qregex_diff
	sh tests/run-tests.sh $(B) $(S)

unit: $(S)/unit_tests
	$(S)/unit_tests

integration: all $(B)/qmailsim $(S)/helowrap
	sh tests/integration/run.sh $(B) $(S)

demo: deps
	$(MAKE) all $(B)/qmailsim
	@sh tests/demo.sh $(B)

# Benchmarks: ratios against the direct run, printed; never a pass/fail threshold.
bench: deps
	$(MAKE) all $(B)/qmailsim
	sh tests/bench/run.sh $(B)
	sh tests/bench/helostat.sh $(B) $(BENCH_LOG_MB)
BENCH_LOG_MB ?= 1024

# Fuzz for FUZZ_SECONDS on a copy of the committed corpus; findings land in $(B)/fuzz/.
# Copy a crash-* file that shows a bug into tests/fuzz/regressions/ once it is fixed.
fuzz:
	@sh tests/install-deps.sh $(FUZZ_PKGS)
	$(MAKE) $(B)/fuzz/session_fuzz
	mkdir -p $(B)/fuzz/corpus
	cp tests/fuzz/corpus/* $(B)/fuzz/corpus/
	$(B)/fuzz/session_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=70000 \
	  -artifact_prefix=$(B)/fuzz/ -print_final_stats=1 $(B)/fuzz/corpus tests/fuzz/regressions

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(addprefix $(B)/,$(PROGS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard man/*.8) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -d $(DESTDIR)$(PREFIX)/share/helowrap
	install -m 644 tests/data/provider-helos.txt $(DESTDIR)$(PREFIX)/share/helowrap/

clean:
	rm -rf $(B)
