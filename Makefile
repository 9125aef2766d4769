# helowrap — see README.md.  `make`, `make check`, `make demo`, `make install`.
CXX      ?= g++
CXXFLAGS ?= -O2 -g
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
PROGS     = helowrap helocheck

DEBIAN_PKGS = g++ make libboost-regex-dev libboost-test-dev libudns-dev ucspi-tcp swaks \
              dnsmasq-base daemontools exim4-daemon-light

.PHONY: all check unit integration demo bench fuzz install deps clean
all: $(addprefix $(B)/,$(PROGS))

# --- release build -------------------------------------------------------------
$(B)/%.o: src/%.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(CXXFLAGS) -MMD -MP -c -o $@ $<
$(B)/helowrap: $(B)/helowrap.o $(LIB_SRC:src/%.cc=$(B)/%.o)
	$(CXX) $(CXXFLAGS) -o $@ $^ $(LIBS)
$(B)/helocheck: $(B)/helocheck.o $(LIB_SRC:src/%.cc=$(B)/%.o)
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

-include $(wildcard $(B)/*.d $(S)/*.d $(S)/unit/*.d)

# --- tests and demo --------------------------------------------------------------
deps:
	@sh tests/install-deps.sh $(DEBIAN_PKGS)

check: deps
	$(MAKE) all $(B)/qmailsim $(S)/unit_tests $(S)/helowrap
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

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(addprefix $(B)/,$(PROGS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(wildcard man/*.8) $(DESTDIR)$(PREFIX)/share/man/man8/

clean:
	rm -rf $(B)
