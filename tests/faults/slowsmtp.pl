#!/usr/bin/perl
# slowsmtp.pl - one SMTP session whose client pauses in the middle of its
# DATA: BEFORE body bytes, PAUSE seconds of silence, AFTER body bytes, the
# final dot. Prints the server's reply to the dot on stdout (the dialogue
# on stderr).
#
#   slowsmtp.pl PORT LOCALADDR|- XCLIENT(0|1) FROM TO BEFORE PAUSE AFTER
#
# LOCALADDR: the loopback address to send from (Sendmail has no XCLIENT);
# XCLIENT 1: claim client 192.0.2.20 (good.sender.example.org) first.
use strict;
use warnings;
use IO::Socket::INET;

my ($port, $local, $xclient, $from, $to, $before, $pause, $after) = @ARGV;
die "usage: slowsmtp.pl PORT LOCALADDR|- XCLIENT FROM TO BEFORE PAUSE AFTER\n" unless defined $after;
my %opt = (PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp', Timeout => 60);
$opt{LocalAddr} = $local if $local ne '-';
my $s = IO::Socket::INET->new(%opt) or die "connect: $!\n";
$s->autoflush(1);

sub reply {
	while (defined(my $l = <$s>)) {
		print STDERR "<- $l";
		return $l if $l =~ /^\d{3} /;
	}
	die "connection closed\n";
}

sub command {
	my ($line, $want) = @_;
	print STDERR "-> $line\n";
	print $s "$line\r\n";
	my $r = reply();
	die "unexpected reply to $line: $r" unless $r =~ /^$want/;
}

reply();
command("EHLO good.sender.example.org", "250");
if ($xclient) {
	command("XCLIENT ADDR=192.0.2.20 NAME=good.sender.example.org", "220");
	command("EHLO good.sender.example.org", "250");
}
command("MAIL FROM:<$from>", "250");
command("RCPT TO:<$to>", "250");
command("DATA", "354");
my $line = ("x" x 76) . "\r\n";
print $s "Subject: slow client\r\nX-Test: slow\r\n\r\n";
print $s $line x int($before / 78);
print STDERR "-- paused $pause s after $before bytes\n";
sleep $pause;
print $s $line x int($after / 78);
print $s ".\r\n";
print reply();
print $s "QUIT\r\n";
