package egress_test

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"strings"
	"testing"
)

// fakeDNS serves A and AAAA records for the names in records (answering
// NXDOMAIN for others) on a UDP port of 127.0.0.1, and returns a resolver
// that asks it, so that a test can make any name resolve to any address.
func fakeDNS(t *testing.T, records map[string][]netip.Addr) *net.Resolver {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp := answer(buf[:n], records); resp != nil {
				_, _ = pc.WriteTo(resp, from)
			}
		}
	}()
	server := pc.LocalAddr().String()
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp4", server)
		},
	}
}

// answer builds the response to one DNS query (RFC 1035 section 4).
func answer(q []byte, records map[string][]netip.Addr) []byte {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:]) != 1 {
		return nil
	}
	// The question: labels, then type and class.
	var labels []string
	i := 12
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if l > 63 || i+1+l > len(q) {
			return nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	i++ // the root label
	if i+4 > len(q) {
		return nil
	}
	qtype := binary.BigEndian.Uint16(q[i:])
	question := q[12 : i+4]
	name := strings.ToLower(strings.Join(labels, "."))

	var rdata [][]byte
	addrs, known := records[name]
	for _, a := range addrs {
		switch {
		case qtype == 1 && a.Is4():
			b := a.As4()
			rdata = append(rdata, b[:])
		case qtype == 28 && a.Is6():
			b := a.As16()
			rdata = append(rdata, b[:])
		}
	}
	flags := uint16(0x8180) // response, recursion desired and available
	if !known {
		flags |= 3 // NXDOMAIN
	}
	resp := binary.BigEndian.AppendUint16(nil, binary.BigEndian.Uint16(q)) // id
	resp = binary.BigEndian.AppendUint16(resp, flags)
	resp = binary.BigEndian.AppendUint16(resp, 1)                  // questions
	resp = binary.BigEndian.AppendUint16(resp, uint16(len(rdata))) // answers
	resp = binary.BigEndian.AppendUint16(resp, 0)                  // authority
	resp = binary.BigEndian.AppendUint16(resp, 0)                  // additional
	resp = append(resp, question...)
	for _, d := range rdata {
		resp = append(resp, 0xC0, 12) // the name: a pointer to the question's
		resp = binary.BigEndian.AppendUint16(resp, qtype)
		resp = binary.BigEndian.AppendUint16(resp, 1)  // class IN
		resp = binary.BigEndian.AppendUint32(resp, 60) // TTL
		resp = binary.BigEndian.AppendUint16(resp, uint16(len(d)))
		resp = append(resp, d...)
	}
	return resp
}

// The fake resolves what it is told to, so the tests that use it test the
// client, not the resolver.
func TestFakeDNS(t *testing.T) {
	t.Parallel()
	r := fakeDNS(t, map[string][]netip.Addr{
		"receiver.example": {netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")},
	})
	got, err := r.LookupNetIP(context.Background(), "ip", "receiver.example")
	if err != nil || len(got) != 2 {
		t.Fatalf("LookupNetIP = %v, %v; want 127.0.0.1 and ::1", got, err)
	}
	if _, err := r.LookupNetIP(context.Background(), "ip", "unknown.example"); err == nil {
		t.Fatal("unknown name resolved")
	}
}
