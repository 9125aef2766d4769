# faults-down.pl MODE [ARG]: a misbehaving SMTP server (helowrap's downstream) for
# tests/integration/faults.sh.  It speaks on stdin/stdout like qmail-smtpd; with
# $FAULTS_RECORD set, every byte it reads is appended to that file at once.
#
# Modes:
#   close     writes a greeting and "421 closing" and exits 0 without reading
#   closeout  writes a greeting, closes its stdout, sleeps ARG seconds (default 2) and
#             exits 3 without reading
#   garbage   a greeting, then for each line read a burst of garbage (NUL bytes, bytes
#             >= 0x80, lines without a code, lone CR and LF, a "250-" continuation);
#             after the 4th line it writes more garbage and exits 0
#   lf        qmail-smtpd's replies with bare LF line ends; QUIT: 221 and exit 0
#   nocrlf    replies without any line end ("220 nocrlf ESMTP", then "250 ok" per line,
#             "221 bye" for QUIT and exit 0)
#   big       1 MB reply lines: the greeting, an EHLO keyword line, the reply to NOOP
#             and to anything not MAIL, EHLO or QUIT
#   burst     a greeting, then holds its replies (qmail-smtpd's, as for qmailsim) while
#             input keeps coming: it writes them only when a read would block (as
#             qmail's saferead flushes; RFC 2920: a server that waits for input with
#             replies unsent deadlocks a client that waits for them) and, at the QUIT
#             line, writes what it holds and the 221 in one burst and exits 0 at once
#   silent    reads nothing, writes nothing, sleeps ARG seconds (default 5), exits 0
#   eofwait   writes nothing; reads to EOF and exits 0
#   sink      writes a greeting, reads and discards everything; at EOF writes the byte
#             count to the file ARG and exits 1
use strict;
use warnings;

my ($mode, $arg) = @ARGV;
$SIG{PIPE} = 'DEFAULT';
binmode STDIN;
binmode STDOUT;
my $rec;
if (defined $ENV{FAULTS_RECORD} && length $ENV{FAULTS_RECORD}) {
  open $rec, '>>', $ENV{FAULTS_RECORD} or exit 111;
  binmode $rec;
  $rec->autoflush(1);
}
my $MB = 1 << 20;

sub out {
  my $d = join '', @_;
  my $off = 0;
  while ($off < length $d) {
    my $w = syswrite STDOUT, $d, length($d) - $off, $off;
    exit 1 unless defined $w;
    $off += $w;
  }
}

my $in = '';
# the next line read (with its LF), or undef at EOF
sub line {
  for (;;) {
    if ((my $i = index($in, "\n")) >= 0) { return substr($in, 0, $i + 1, '') }
    my $n = sysread(STDIN, my $chunk, 65536);
    return undef unless $n;
    print $rec $chunk if $rec;
    $in .= $chunk;
  }
}

# true when a read from STDIN would not block
sub input_ready {
  my $r = '';
  vec($r, fileno(STDIN), 1) = 1;
  return select($r, undef, undef, 0) > 0;
}

sub verb { my ($v) = split / /, $_[0], 2; $v =~ s/[\r\n]+\z//; return lc $v }

if ($mode eq 'close') {
  out("220 down.test ESMTP\r\n421 down.test closing\r\n");
  exit 0;
}
if ($mode eq 'closeout') {
  out("220 down.test ESMTP\r\n");
  close STDOUT;
  sleep($arg // 2);
  exit 3;
}
if ($mode eq 'silent') { sleep($arg // 5); exit 0 }
if ($mode eq 'eofwait') { 1 while defined line(); exit 0 }
if ($mode eq 'sink') {
  out("220 sink.test ESMTP\r\n");
  my $total = 0;
  for (;;) {
    my $n = sysread(STDIN, my $chunk, $MB);
    last unless $n;
    $total += $n;
  }
  open my $f, '>', $arg or exit 111;
  print $f "$total\n";
  close $f;
  exit 1;
}
if ($mode eq 'garbage') {
  out("220 down.test ESMTP\r\n");
  my @junk = ("\0\0\0\r\n", "\xff\xfe\x80 binary\r\n", "no code at all\r\n", "\r", "\n", "2\r\n",
    "25\n", "250-continued\r\n", "250", "-\r\n", "999 " . ("\0" x 100) . "\r\n", "\r\r\r\n",
    "354 go ahead\r\n", "334 VXNlcm5hbWU6\r\n", "220 ready for TLS\r\n", "235 ok\r\n");
  my $i = 0;
  while (defined(my $l = line())) {
    out(map { $junk[($i + $_) % @junk] } 0 .. 4);
    $i += 5;
    last if $i >= 20;
  }
  out(@junk, "250-never ends");
  exit 0;
}
if ($mode eq 'lf' || $mode eq 'nocrlf') {
  my $e = $mode eq 'lf' ? "\n" : '';
  out($mode eq 'lf' ? "220 down.test ESMTP$e" : "220 nocrlf ESMTP");
  while (defined(my $l = line())) {
    my $v = verb($l);
    if ($v eq 'quit') { out($mode eq 'lf' ? "221 down.test$e" : "221 bye"); exit 0 }
    if ($mode eq 'nocrlf') { out("250 ok"); next }
    if ($v eq 'ehlo') { out("250-down.test$e", "250-PIPELINING$e", "250 8BITMIME$e") }
    elsif ($v eq 'rcpt') { out("250 rcpt ok$e") }
    else { out("250 ok$e") }
  }
  exit 1;
}
if ($mode eq 'burst') {
  out("220 down.test ESMTP\r\n");
  my ($replies, $mail) = ('', 0);
  for (;;) {
    if (length $replies && index($in, "\n") < 0 && !input_ready()) { out($replies); $replies = '' }
    my $l = line();
    last unless defined $l;
    my $v = verb($l);
    if ($v eq 'quit') { out($replies, "221 down.test\r\n"); exit 0 }
    if ($v eq 'ehlo') { $replies .= "250-down.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n"; $mail = 0 }
    elsif ($v eq 'mail') { $replies .= "250 ok\r\n"; $mail = 1 }
    elsif ($v eq 'rcpt') { $replies .= $mail ? "250 ok\r\n" : "503 MAIL first (#5.5.1)\r\n" }
    elsif ($v eq 'noop') { $replies .= "250 ok\r\n" }
    else { $replies .= "502 unimplemented (#5.5.1)\r\n" }
  }
  exit 1;
}
if ($mode eq 'big') {
  out('220 ', 'g' x $MB, "\r\n");
  while (defined(my $l = line())) {
    my $v = verb($l);
    if ($v eq 'quit') { out("221 down.test\r\n"); exit 0 }
    if ($v eq 'ehlo') { out("250-down.test\r\n", '250-', 'e' x $MB, "\r\n", "250-PIPELINING\r\n250 8BITMIME\r\n") }
    elsif ($v eq 'mail') { out("250 ok\r\n") }
    elsif ($v eq 'noop') { out('250 ', 'n' x $MB, "\r\n") }
    else { out('250 ', 'o' x $MB, "\r\n") }
  }
  exit 1;
}
die "faults-down: unknown mode $mode\n";
