# faults-dns.pl PORTFILE SLOW_SECONDS: a misbehaving DNS server for tests/integration/faults.sh.
#
# Listens on UDP 127.0.0.1, a port chosen by the kernel and written to PORTFILE.  The
# first label of the queried name picks the behaviour (any query type):
#   ok        A: 127.0.0.1; AAAA: no records (NOERROR)
#   nx        NXDOMAIN
#   servfail  SERVFAIL
#   tc        the TC (truncated) bit, no records
#   tcok      the TC bit with the A record (AAAA: TC, no records)
#   short     a 6-byte packet: the query's ID and 4 more bytes
#   hdronly   a 12-byte header (QR, ID, 1 question, 1 answer) and nothing else
#   garbage   the query's ID followed by 200 pseudo-random bytes
#   loop      a well-formed header and question, an answer whose owner name is a
#             compression pointer to itself
#   badlen    an A record whose RDLENGTH (4000) runs past the end of the packet
#   bigcount  the question and one A record, but ANCOUNT 65535
#   wrongid   NXDOMAIN, with the query's ID xor 0x5a5a
#   wrongq    NXDOMAIN for another name, with the query's ID
#   slow      NXDOMAIN, SLOW_SECONDS after the query
#   hole      never answers
# Anything else: NXDOMAIN.  One line per query on stderr: "MODE ID QTYPE NAME".
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(time);

my ($portfile, $slow) = @ARGV;
$slow //= 5;
my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'udp')
  or die "faults-dns: bind: $!\n";
open my $pf, '>', "$portfile.tmp" or die "faults-dns: $portfile: $!\n";
print $pf $s->sockport, "\n";
close $pf;
rename "$portfile.tmp", $portfile or die "faults-dns: rename: $!\n";
$| = 1;
select STDERR;
$| = 1;
select STDOUT;
srand 42;

my @later;  # [due time, packet, peer]

# reply HEADER fields: the query's ID, QR, its opcode and RD, RA, then TC and RCODE
sub header {
  my ($id, $qflags, $tc, $rcode, $qd, $an) = @_;
  return pack 'nnnnnn', $id, 0x8000 | ($qflags & 0x7900) | 0x0080 | ($tc ? 0x0200 : 0) | $rcode,
    $qd, $an, 0, 0;
}

sub a_record { pack('nnnNn', 0xc00c, 1, 1, 60, 4) . pack('C4', 127, 0, 0, 1) }

sub answer {
  my ($q) = @_;
  return undef if length($q) < 12;
  my ($id, $qflags, $qdcount) = unpack 'nnn', $q;
  my $p = 12;
  my @labels;
  while ($p < length $q) {
    my $n = ord substr($q, $p, 1);
    $p++;
    last if $n == 0;
    push @labels, lc substr($q, $p, $n);
    $p += $n;
  }
  return undef if $p + 4 > length $q;
  my ($qtype) = unpack 'n', substr($q, $p, 2);
  my $question = substr($q, 12, $p + 4 - 12);
  my $mode = @labels ? $labels[0] : '';
  print STDERR "$mode $id $qtype ", join('.', @labels), "\n";
  my $nx = header($id, $qflags, 0, 3, 1, 0) . $question;
  if ($mode eq 'ok') {
    return $qtype == 1 ? header($id, $qflags, 0, 0, 1, 1) . $question . a_record()
      : header($id, $qflags, 0, 0, 1, 0) . $question;
  }
  return $nx if $mode eq 'nx';
  return header($id, $qflags, 0, 2, 1, 0) . $question if $mode eq 'servfail';
  return header($id, $qflags, 1, 0, 1, 0) . $question if $mode eq 'tc';
  if ($mode eq 'tcok') {
    return $qtype == 1 ? header($id, $qflags, 1, 0, 1, 1) . $question . a_record()
      : header($id, $qflags, 1, 0, 1, 0) . $question;
  }
  return pack('n', $id) . "\x81\x80\x00\x01" if $mode eq 'short';
  return header($id, $qflags, 0, 0, 1, 1) if $mode eq 'hdronly';
  return pack('n', $id) . join('', map { chr int rand 256 } 1 .. 200) if $mode eq 'garbage';
  if ($mode eq 'loop') {
    my $off = 12 + length $question;  # the answer's owner name points at itself
    return header($id, $qflags, 0, 0, 1, 1) . $question
      . pack('nnnNn', 0xc000 | $off, 1, 1, 60, 4) . pack('C4', 127, 0, 0, 1);
  }
  if ($mode eq 'badlen') {
    return header($id, $qflags, 0, 0, 1, 1) . $question . pack('nnnNn', 0xc00c, 1, 1, 60, 4000)
      . pack('C4', 127, 0, 0, 1);
  }
  if ($mode eq 'bigcount') { return header($id, $qflags, 0, 0, 1, 65535) . $question . a_record() }
  return header($id ^ 0x5a5a, $qflags, 0, 3, 1, 0) . $question if $mode eq 'wrongid';
  if ($mode eq 'wrongq') {
    my $other = "\x05other\x05fault\x04test\x00" . substr($question, -4);
    return header($id, $qflags, 0, 3, 1, 0) . $other;
  }
  if ($mode eq 'slow') {
    push @later, [time + $slow, $nx];
    return '';
  }
  return undef if $mode eq 'hole';
  return $nx;
}

my $sel = IO::Select->new($s);
for (;;) {
  my $wait = @later ? $later[0][0] - time : undef;
  $wait = 0 if defined $wait && $wait < 0;
  if ($sel->can_read($wait)) {
    my $q = '';
    my $peer = $s->recv($q, 4096);
    if (defined $peer) {
      my $a = answer($q);
      if (defined $a && length $a) { $s->send($a, 0, $peer) }
      elsif (defined $a && @later && !defined $later[-1][2]) { $later[-1][2] = $peer }
    }
  }
  while (@later && $later[0][0] <= time) {
    my $l = shift @later;
    $s->send($l->[1], 0, $l->[2]) if defined $l->[2];
  }
}
