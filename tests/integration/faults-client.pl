# faults-client.pl PORT PREFIX STEP...: a raw SMTP client for tests/integration/faults.sh.
#
# Connects to 127.0.0.1:PORT, writes its local port to PREFIX.cport, everything it
# receives (raw) to PREFIX.out and, for each complete line received, "SECONDS LINE"
# (seconds since the connection, line without CR LF) to PREFIX.times.  Every send is
# full duplex: whatever arrives while it writes is read, so that a pipelining client
# never deadlocks with a server that stops reading while its replies are unread.
# A failed write (the peer is gone) is reported on stderr and ends the sending; the
# client goes on with the next steps (reads then see EOF).
#
# Steps:
#   s:TEXT    send TEXT (escapes \r \n \t \0 \\ \xHH) in one go
#   f:FILE    send the contents of FILE
#   z:N       send N bytes of 'y' (no LF), 1 MB per write
#   D:FILE    send the contents of FILE deaf: write only, never read (a client that
#             pipelines and never takes a reply); a failed write ends it ("@wdead")
#   r         read one complete reply (up to a final line "DDD " or "DDD")
#   R:N       read N complete replies
#   l:N:TEXT  N times: send TEXT, read one complete reply (lock step)
#   e         read to EOF
#   w         shut down the sending side (FIN)
#   x         close with RST (SO_LINGER 0) and exit at once
#   q         close and exit at once
#   p:SEC     sleep SEC seconds (not reading)
#   m:LABEL   write "SECONDS @LABEL" to PREFIX.times
#   t:FILE    create FILE (a sync point for the script)
#   g:FILE    wait (up to 120 s) until FILE exists
# With $FC_RCVBUF set, the socket's receive buffer is set to that size before connecting.
# Exit status: 0; 2 when it cannot connect; 3 on a timeout (60 s without progress).
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use Socket qw(SOL_SOCKET SO_LINGER SO_RCVBUF SHUT_WR inet_aton pack_sockaddr_in);
use Time::HiRes qw(time sleep);

my ($port, $prefix, @steps) = @ARGV;
$SIG{PIPE} = 'IGNORE';
my $s = IO::Socket::INET->new(Proto => 'tcp') or do { print STDERR "client: socket: $!\n"; exit 2 };
# $FC_RCVBUF: a small receive buffer (set before connecting), for a client that reads slowly
setsockopt($s, SOL_SOCKET, SO_RCVBUF, $ENV{FC_RCVBUF} + 0) if $ENV{FC_RCVBUF};
$s->connect(pack_sockaddr_in($port, inet_aton('127.0.0.1')))
  or do { print STDERR "client: connect: $!\n"; exit 2 };
binmode $s;
my $t0 = time;
open my $out, '>', "$prefix.out" or die "client: $prefix.out: $!\n";
binmode $out;
$out->autoflush(1);
open my $tf, '>', "$prefix.times" or die "client: $prefix.times: $!\n";
$tf->autoflush(1);
{ open my $pf, '>', "$prefix.cport" or die; print $pf $s->sockport, "\n"; close $pf }
$s->blocking(0);
my $sel = IO::Select->new($s);

my $eof = 0;        # the peer closed (or reset) its sending side
my $wdead = 0;      # our sending side is unusable
my $part = '';      # the incomplete line received so far (for .times)
my @lines;          # complete lines not yet consumed by r/R
my $lastprog = time;

sub stamp { sprintf '%.3f', time - $t0 }

sub got {
  my $chunk = shift;
  print $out $chunk;
  $part .= $chunk;
  my $now = stamp();
  while ((my $i = index($part, "\n")) >= 0) {
    my $l = substr($part, 0, $i + 1, '');
    $l =~ s/\r?\n\z//;
    print $tf "$now $l\n";
    push @lines, $l;
  }
  # do not keep megabytes of an endless line
  if (length $part > 1 << 20) { substr($part, 0, length($part) - 16, '') }
}

# one round of I/O: read what is there; write up to one chunk of *$data from *$off
sub pump {
  my ($data, $off, $wait) = @_;
  my $want_w = defined $data && !$wdead && $$off < length $$data;
  my $rs = $eof ? undef : IO::Select->new($s);
  my $ws = $want_w ? IO::Select->new($s) : undef;
  return 0 if !$rs && !$ws;
  my ($r, $w) = IO::Select->select($rs, $ws, undef, $wait);
  if ($r && @$r) {
    my $n = sysread($s, my $chunk, 1 << 20);
    if (defined $n && $n > 0) { got($chunk); $lastprog = time }
    elsif (defined $n || !$!{EAGAIN}) {
      print STDERR "client: read: ", (defined $n ? 'EOF' : "$!"), " at ", stamp(), "\n" if !defined $n;
      $eof = 1;
    }
  }
  if ($w && @$w) {
    my $len = length($$data) - $$off;
    $len = 1 << 20 if $len > 1 << 20;
    my $n = syswrite($s, $$data, $len, $$off);
    if (defined $n) { $$off += $n; $lastprog = time }
    elsif (!$!{EAGAIN}) { print STDERR "client: write: $! at ", stamp(), "\n"; $wdead = 1 }
  }
  if (time - $lastprog > 60) { print STDERR "client: timeout\n"; exit 3 }
  return 1;
}

sub send_data {
  my $d = shift;
  my $off = 0;
  while (!$wdead && $off < length $d) { pump(\$d, \$off, 1) }
}

sub send_filler {
  my $n = shift;
  my $chunk = 'y' x (1 << 20);
  while (!$wdead && $n > 0) {
    my $d = $n >= length $chunk ? $chunk : substr($chunk, 0, $n);
    my $off = 0;
    while (!$wdead && $off < length $d) { pump(\$d, \$off, 1) }
    $n -= $off;
  }
}

sub send_deaf {
  my $d = shift;
  my $off = 0;
  while (!$wdead && $off < length $d) {
    my (undef, $w) = IO::Select->select(undef, IO::Select->new($s), undef, 1);
    if ($w && @$w) {
      my $n = syswrite($s, $d, length($d) - $off, $off);
      if (defined $n) { $off += $n; $lastprog = time }
      elsif (!$!{EAGAIN}) {
        print STDERR "client: write: $! at ", stamp(), "\n";
        print $tf stamp(), " \@wdead\n";
        $wdead = 1;
      }
    }
    if (time - $lastprog > 60) { print STDERR "client: timeout\n"; exit 3 }
  }
}

sub read_replies {
  my $want = shift;
  while ($want > 0) {
    while (@lines) {
      my $l = shift @lines;
      if ($l =~ /^\d{3}(?: |$)/) { last if --$want == 0 }
    }
    last if $want == 0;
    if ($eof) { print STDERR "client: EOF before a complete reply at ", stamp(), "\n"; return }
    pump(undef, undef, 1);
  }
}

sub unesc {
  my $t = shift;
  $t =~ s/\\(x([0-9a-fA-F]{2})|.)/defined $2 ? chr(hex $2) : $1 eq 'r' ? "\r" : $1 eq 'n' ? "\n"
    : $1 eq 't' ? "\t" : $1 eq '0' ? "\0" : $1/ge;
  return $t;
}

for my $step (@steps) {
  $lastprog = time;
  if ($step =~ /^s:(.*)\z/s) { send_data(unesc($1)) }
  elsif ($step =~ /^f:(.*)\z/s) {
    open my $f, '<', $1 or die "client: $1: $!\n";
    binmode $f;
    local $/;
    my $d = <$f>;
    send_data(defined $d ? $d : '');
  }
  elsif ($step =~ /^z:(\d+)\z/) { send_filler($1) }
  elsif ($step =~ /^D:(.*)\z/s) {
    open my $f, '<', $1 or die "client: $1: $!\n";
    binmode $f;
    local $/;
    my $d = <$f>;
    send_deaf(defined $d ? $d : '');
  }
  elsif ($step eq 'r') { read_replies(1) }
  elsif ($step =~ /^R:(\d+)\z/) { read_replies($1) }
  elsif ($step =~ /^l:(\d+):(.*)\z/s) {
    my ($n, $d) = ($1, unesc($2));
    for (1 .. $n) { $lastprog = time; send_data($d); read_replies(1); last if $eof }
  }
  elsif ($step eq 'e') { pump(undef, undef, 1) while !$eof }
  elsif ($step eq 'w') { shutdown($s, SHUT_WR); $wdead = 1 }
  elsif ($step eq 'x') {
    setsockopt($s, SOL_SOCKET, SO_LINGER, pack('ii', 1, 0));
    close $s;
    print $tf stamp(), " \@reset\n";
    exit 0;
  }
  elsif ($step eq 'q') { close $s; print $tf stamp(), " \@close\n"; exit 0 }
  elsif ($step =~ /^p:([\d.]+)\z/) { sleep $1 }
  elsif ($step =~ /^m:(.*)\z/s) { print $tf stamp(), " \@$1\n" }
  elsif ($step =~ /^t:(.*)\z/s) { open my $f, '>', $1 or die "client: $1: $!\n"; close $f }
  elsif ($step =~ /^g:(.*)\z/s) {
    my $until = time + 120;
    sleep 0.02 until -e $1 || time > $until;
    -e $1 or do { print STDERR "client: timeout waiting for $1\n"; exit 3 };
  }
  else { die "client: bad step $step\n" }
}
print $tf stamp(), " \@close\n";
close $s;
exit 0;
