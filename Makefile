# helowrap — see README.md.  `make`, `make check`, `make demo`, `make install`.
# Packagers: CXXFLAGS, CPPFLAGS and LDFLAGS are honoured (dpkg-buildflags); -Werror is
# only in the project's own builds (check, demo, bench, fuzz pass WERROR=-Werror).
CXX      ?= g++
CXXFLAGS ?= -O2 -g
CPPFLAGS ?=
LDFLAGS  ?=
WERROR   ?=
# Release programs are linked statically: no ld.so, libstdc++ or ICU (pulled in by the
# shared Boost.Regex) to map per connection; peak RSS drops from about 5 MB to 1.4 MB.
# A distribution that wants shared libraries links dynamically with `make LDSTATIC=`.
SECTIONS  = -ffunction-sections -fdata-sections
LDSTATIC ?= -static -Wl,--gc-sections
WARN      = -std=c++17 -Wall -Wextra $(WERROR)
SANFLAGS  = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
PREFIX   ?= /usr/local
DESTDIR  ?=
# make install strips the programs (build/ keeps the debug build); INSTALL_STRIP= keeps
# the symbols (for a packager whose tools strip and keep a debug package).
INSTALL_STRIP ?= -s
B         = build
S         = build/san

# The tree by concern (README "How the code is laid out"): each folder but the programs'
# own is an archive, and each program links what it uses, no more.
#   base/      bytes, lines, control files, addresses, text, I/O, options and exit codes
#   check/     what makes a HELO bad: badhelo, qregex, the DNS decision, policy, log words
#   relay/     helowrap: the session, the poll loop, udns          (uses check, base)
#   stat/      helostat: reading logs and counting                (uses check, base)
#   helocheck/ helocheck's own code                  (uses relay, check, base; stat's -t format)
LAYERS    = base check relay stat
MAINS     = src/relay/helowrap.cc src/helocheck/helocheck.cc src/stat/helostat.cc
layer_src = $(filter-out $(MAINS),$(wildcard src/$(1)/*.cc))
ALL_SRC   = $(wildcard src/*/*.cc)
LIB_SRC   = $(foreach l,base check relay,$(call layer_src,$(l)))
UNIT_SRC  = $(wildcard tests/unit/*.cc)
LIBS      = -lboost_regex -ludns
TEST_LIBS = -lboost_unit_test_framework
PROGS     = helowrap helocheck helostat

# Every Debian package a target uses (tests/install-deps.sh says why each is needed;
# a package that Provides one, as ucspi-tcp-ipv6 provides ucspi-tcp, does as well):
#  build: g++ make libboost-regex-dev libboost-test-dev libudns-dev zlib1g-dev
#  tests: ucspi-tcp (tcpserver), swaks and libio-socket-inet6-perl (swaks over IPv6),
#         perl (the test clients; a minimal Debian has only perl-base), dnsmasq-base,
#         daemontools (multilog, tai64nlocal), exim4-daemon-light, valgrind,
#         time (/usr/bin/time: peak RSS), procps (pgrep), gzip (rotated logs)
DEBIAN_PKGS = g++ make libboost-regex-dev libboost-test-dev libudns-dev zlib1g-dev \
              ucspi-tcp swaks libio-socket-inet6-perl perl dnsmasq-base daemontools \
              exim4-daemon-light valgrind time procps gzip
BENCH_PKGS  = $(DEBIAN_PKGS) bc
FRESH_PKGS  = debootstrap git

.PHONY: all check unit integration demo bench fuzz install uninstall deps clean fresh-check
all: $(addprefix $(B)/,$(PROGS))

# --- release build -------------------------------------------------------------
$(B)/obj/%.o: src/%.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(DEFS_$(notdir $*)) -Isrc $(WARN) $(CXXFLAGS) $(SECTIONS) -MMD -MP -c -o $@ $<
layer_obj = $(patsubst src/%.cc,$(1)/obj/%.o,$(call layer_src,$(2)))
$(B)/obj/libbase.a:  $(call layer_obj,$(B),base)
$(B)/obj/libcheck.a: $(call layer_obj,$(B),check)
$(B)/obj/librelay.a: $(call layer_obj,$(B),relay)
$(B)/obj/libstat.a:  $(call layer_obj,$(B),stat)
$(S)/obj/libbase.a:  $(call layer_obj,$(S),base)
$(S)/obj/libcheck.a: $(call layer_obj,$(S),check)
$(S)/obj/librelay.a: $(call layer_obj,$(S),relay)
$(S)/obj/libstat.a:  $(call layer_obj,$(S),stat)
%.a:
	rm -f $@ && $(AR) rcs $@ $^
$(B)/helowrap: $(B)/obj/relay/helowrap.o $(B)/obj/librelay.a $(B)/obj/libcheck.a $(B)/obj/libbase.a
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(LDSTATIC) -o $@ $^ -lboost_regex -ludns
$(B)/helocheck: $(B)/obj/helocheck/helocheck.o $(call layer_obj,$(B),helocheck) \
                $(B)/obj/librelay.a $(B)/obj/libcheck.a $(B)/obj/libbase.a
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(LDSTATIC) -o $@ $^ -lboost_regex -ludns
$(B)/helostat: $(B)/obj/stat/helostat.o $(B)/obj/libstat.a $(B)/obj/libcheck.a $(B)/obj/libbase.a
	$(CXX) $(CXXFLAGS) $(LDFLAGS) $(LDSTATIC) -o $@ $^ -lz
# The same objects linked dynamically, for valgrind (it cannot follow a static malloc).
$(B)/dyn/helowrap: $(B)/obj/relay/helowrap.o $(B)/obj/librelay.a $(B)/obj/libcheck.a $(B)/obj/libbase.a
	@mkdir -p $(@D)
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ -lboost_regex -ludns
# helocheck -b warns about patterns that refuse these well-known providers' HELO names.
# It looks for them under the prefix it is installed in (BIN/../share/helowrap/), and
# only when it cannot tell where it is, at the path of the PREFIX it was built for.
DEFS_helocheck = -DPROVIDER_HELOS='"$(PREFIX)/share/helowrap/provider-helos.txt"'
# The differential test against glibc's own regcomp/regexec (SPEC §4.3), with the release
# objects: it forks glibc under a memory limit, which the sanitizers' address space breaks.
$(B)/qregex_diff/glibc_oracle.o: tests/qregex_diff/glibc_oracle.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(WARN) $(CXXFLAGS) -MMD -MP -c -o $@ $<
$(B)/qregex_diff/%.o: tests/qregex_diff/%.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(WARN) $(CXXFLAGS) -Isrc -MMD -MP -c -o $@ $<
$(B)/qregex_diff/qregex_diff: $(patsubst tests/qregex_diff/%.cc,$(B)/qregex_diff/%.o,$(wildcard tests/qregex_diff/*.cc)) \
                              $(B)/obj/libcheck.a $(B)/obj/libbase.a
	$(CXX) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ -lboost_regex
$(B)/qmailsim: tests/qmailsim.cc
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(WARN) $(CXXFLAGS) $(LDFLAGS) -o $@ $<

# --- sanitizer build (ASan + UBSan): unit tests and a relay binary -------------
$(S)/obj/%.o: src/%.cc
	@mkdir -p $(@D)
	$(CXX) -Isrc $(WARN) $(SANFLAGS) -MMD -MP -c -o $@ $<
$(S)/unit/%.o: tests/unit/%.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(SANFLAGS) -Isrc -DBOOST_TEST_DYN_LINK -MMD -MP -c -o $@ $<
$(S)/helowrap: $(S)/obj/relay/helowrap.o $(S)/obj/librelay.a $(S)/obj/libcheck.a $(S)/obj/libbase.a
	$(CXX) $(SANFLAGS) -o $@ $^ $(LIBS)
$(S)/unit_tests: $(UNIT_SRC:tests/unit/%.cc=$(S)/unit/%.o) $(call layer_obj,$(S),helocheck) \
                 $(S)/obj/libstat.a $(S)/obj/librelay.a $(S)/obj/libcheck.a $(S)/obj/libbase.a
	$(CXX) $(SANFLAGS) -o $@ $^ $(LIBS) -lz $(TEST_LIBS)

$(S)/fuzz/%.o: tests/fuzz/%.cc
	@mkdir -p $(@D)
	$(CXX) $(WARN) $(SANFLAGS) -Isrc -Itests/unit -MMD -MP -c -o $@ $<
$(S)/fuzz_replay: $(S)/fuzz/replay.o $(S)/fuzz/session_fuzz.o $(S)/obj/librelay.a $(S)/obj/libcheck.a $(S)/obj/libbase.a
	$(CXX) $(SANFLAGS) -o $@ $^ $(LIBS)

# --- libFuzzer build (clang) -------------------------------------------------------
FUZZ_SECONDS ?= 600
FUZZ_PKGS     = clang libclang-rt-14-dev
$(B)/fuzz/session_fuzz: tests/fuzz/session_fuzz.cc tests/unit/qmail_model.h $(LIB_SRC) $(wildcard src/*/*.h)
	@mkdir -p $(@D)
	clang++ $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Itests/unit -o $@ \
	  tests/fuzz/session_fuzz.cc $(LIB_SRC) $(LIBS)

-include $(wildcard $(B)/*/*.d $(B)/obj/*/*.d $(S)/*/*.d $(S)/obj/*/*.d)

# --- tests and demo --------------------------------------------------------------
# The project's own builds fail on a warning; a plain `make` does not.
OWN = WERROR=-Werror

deps:
	@sh tests/install-deps.sh $(DEBIAN_PKGS)

check: deps
	$(MAKE) $(OWN) all $(B)/qmailsim $(B)/dyn/helowrap $(S)/unit_tests $(S)/helowrap $(S)/fuzz_replay \
	  $(B)/qregex_diff/qregex_diff
	sh tests/run-tests.sh $(B) $(S)

unit: $(S)/unit_tests
	$(S)/unit_tests

integration: all $(B)/qmailsim $(S)/helowrap
	sh tests/integration/run.sh $(B) $(S)

demo: deps
	$(MAKE) $(OWN) all $(B)/qmailsim
	@sh tests/demo.sh $(B)

# Benchmarks: ratios against the direct run, printed; never a pass/fail threshold.
bench:
	@sh tests/install-deps.sh $(BENCH_PKGS)
	$(MAKE) $(OWN) all $(B)/qmailsim
	sh tests/bench/run.sh $(B)
	sh tests/bench/helostat.sh $(B) $(BENCH_LOG_MB)
BENCH_LOG_MB ?= 1024

# Fuzz for FUZZ_SECONDS on a copy of the committed corpus; findings land in $(B)/fuzz/.
# Copy a crash-* file that shows a bug into tests/fuzz/regressions/ once it is fixed.
fuzz:
	@sh tests/install-deps.sh $(DEBIAN_PKGS) $(FUZZ_PKGS)
	$(MAKE) $(OWN) $(B)/fuzz/session_fuzz
	mkdir -p $(B)/fuzz/corpus
	cp tests/fuzz/corpus/* $(B)/fuzz/corpus/
	$(B)/fuzz/session_fuzz -max_total_time=$(FUZZ_SECONDS) -max_len=70000 \
	  -artifact_prefix=$(B)/fuzz/ -print_final_stats=1 $(B)/fuzz/corpus tests/fuzz/regressions

# A minimal Debian 12 (debootstrap) with only make added runs make check as root:
# FRESH_VARIANT=ipv6 installs ucspi-tcp-ipv6 first. See tests/fresh-check.sh.
FRESH_VARIANT ?= plain
fresh-check:
	@sh tests/install-deps.sh $(FRESH_PKGS)
	sh tests/fresh-check.sh $(FRESH_VARIANT)

MAN8  = $(notdir $(wildcard man/*.8))
DOC   = $(PREFIX)/share/doc/helowrap
# run-examples/ as documentation: run scripts stay executable, the rest is 644.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 755 $(INSTALL_STRIP) $(addprefix $(B)/,$(PROGS)) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(addprefix man/,$(MAN8)) $(DESTDIR)$(PREFIX)/share/man/man8/
	install -d $(DESTDIR)$(PREFIX)/share/helowrap
	install -m 644 tests/data/provider-helos.txt $(DESTDIR)$(PREFIX)/share/helowrap/
	install -d $(DESTDIR)$(DOC)
	install -m 644 README.md $(DESTDIR)$(DOC)/
	cd run-examples && find . -type f | sort | while read -r f; do \
	  if [ -x "$$f" ]; then m=755; else m=644; fi; \
	  install -D -m $$m "$$f" "$(DESTDIR)$(DOC)/run-examples/$$f" || exit 1; \
	done

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(PROGS))
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/share/man/man8/,$(MAN8))
	rm -f $(DESTDIR)$(PREFIX)/share/helowrap/provider-helos.txt
	rmdir $(DESTDIR)$(PREFIX)/share/helowrap 2>/dev/null || true
	rm -f $(DESTDIR)$(DOC)/README.md
	cd run-examples && find . -type f | while read -r f; do \
	  rm -f "$(DESTDIR)$(DOC)/run-examples/$$f"; done
	-find $(DESTDIR)$(DOC) -depth -type d -empty -exec rmdir {} \; 2>/dev/null

clean:
	rm -rf $(B)
