package egress

import (
	"errors"
	"fmt"
	"net/netip"
)

// ErrAddress: the destination is not a public unicast address (or, with
// AllowPrivate, is an address no HTTP server listens on).
var ErrAddress = errors.New("egress: destination address refused")

// A range of addresses that is not publicly routable.
type special struct {
	prefix netip.Prefix
	name   string
	never  bool // refused even with AllowPrivate: no HTTP server is there
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// The IPv4 ranges of the IANA special-purpose registry that are not
// globally reachable, with multicast and the reserved class E.
var special4 = []special{
	{mustPrefix("0.0.0.0/8"), "unspecified (this network)", true},
	{mustPrefix("10.0.0.0/8"), "private", false},
	{mustPrefix("100.64.0.0/10"), "shared address space (CGNAT)", false},
	{mustPrefix("127.0.0.0/8"), "loopback", false},
	{mustPrefix("169.254.0.0/16"), "link-local", false},
	{mustPrefix("172.16.0.0/12"), "private", false},
	{mustPrefix("192.0.0.0/24"), "IETF protocol assignment", false},
	{mustPrefix("192.0.2.0/24"), "documentation", false},
	{mustPrefix("192.88.99.0/24"), "6to4 relay anycast", false},
	{mustPrefix("192.168.0.0/16"), "private", false},
	{mustPrefix("198.18.0.0/15"), "benchmarking", false},
	{mustPrefix("198.51.100.0/24"), "documentation", false},
	{mustPrefix("203.0.113.0/24"), "documentation", false},
	{mustPrefix("224.0.0.0/4"), "multicast", true},
	{mustPrefix("240.0.0.0/4"), "reserved or broadcast", true},
}

// IPv6: only global unicast (2000::/3) is public, less the special ranges
// inside it. NAT64 (64:ff9b::/96) is judged by the IPv4 address it embeds
// and IPv4-mapped addresses are refused (see CheckAddr).
var (
	global6  = mustPrefix("2000::/3")
	nat64    = mustPrefix("64:ff9b::/96")
	special6 = []special{
		{mustPrefix("::/128"), "unspecified", true},
		{mustPrefix("::1/128"), "loopback", false},
		{mustPrefix("ff00::/8"), "multicast", true},
		{mustPrefix("fe80::/10"), "link-local", false},
		{mustPrefix("fc00::/7"), "unique local", false},
		{mustPrefix("2001::/23"), "IETF protocol assignment (Teredo, benchmarking, ORCHID)", false},
		{mustPrefix("2001:db8::/32"), "documentation", false},
		{mustPrefix("2002::/16"), "6to4", false},
		{mustPrefix("3fff::/20"), "documentation", false},
	}
)

// CheckAddr returns nil when a connection to addr is allowed: a public
// unicast address, or with allowPrivate any unicast address. Otherwise
// it returns an error wrapping ErrAddress that names the kind of address.
//
// Refused unless allowPrivate: loopback, private (RFC 1918), link-local
// (including cloud metadata at 169.254.169.254), CGNAT (100.64.0.0/10),
// IPv6 unique local (fc00::/7), IPv4-mapped IPv6 (::ffff:0:0/96), the
// documentation, benchmarking and protocol-assignment ranges, and IPv6
// outside global unicast. Always refused: unspecified (0.0.0.0/8, ::),
// multicast and 240.0.0.0/4 (reserved, broadcast).
func CheckAddr(addr netip.Addr, allowPrivate bool) error {
	name, never := classify(addr)
	switch {
	case name == "":
		return nil
	case allowPrivate && !never:
		return nil
	}
	return fmt.Errorf("%w: %s is %s", ErrAddress, addr, name)
}

// classify names the kind of a non-public address ("" for public) and
// says whether it is refused even with AllowPrivate.
func classify(addr netip.Addr) (name string, never bool) {
	addr = addr.WithZone("")
	switch {
	case !addr.IsValid():
		return "not an IP address", true
	case addr.Is4():
		for _, s := range special4 {
			if s.prefix.Contains(addr) {
				return s.name, s.never
			}
		}
		return "", false
	case addr.Is4In6():
		// Dialled, ::ffff:a.b.c.d reaches a.b.c.d; no resolver should
		// hand it out. Refused, and judged by the IPv4 address as well.
		if name, never := classify(addr.Unmap()); name != "" {
			return "IPv4-mapped " + name, never
		}
		return "IPv4-mapped", false
	case nat64.Contains(addr):
		// An IPv6-only network reaches IPv4 hosts through NAT64: judge the
		// embedded IPv4 address.
		b := addr.As16()
		if name, never := classify(netip.AddrFrom4([4]byte(b[12:]))); name != "" {
			return "NAT64 " + name, never
		}
		return "", false
	}
	for _, s := range special6 {
		if s.prefix.Contains(addr) {
			return s.name, s.never
		}
	}
	if !global6.Contains(addr) {
		return "not global unicast", false
	}
	return "", false
}
