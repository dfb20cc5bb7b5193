package egress_test

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/fastauth/fastauth/internal/egress"
)

func TestCheckAddr(t *testing.T) {
	t.Parallel()
	const (
		public  = "public"  // allowed always
		private = "private" // allowed only with AllowPrivate
		never   = "never"   // refused always
	)
	tests := []struct {
		addr, want, kind string // kind: a word of the error
	}{
		// IPv4
		{"8.8.8.8", public, ""},
		{"1.1.1.1", public, ""},
		{"93.184.215.14", public, ""},
		{"0.0.0.0", never, "unspecified"},
		{"0.1.2.3", never, "unspecified"},
		{"10.0.0.1", private, "private"},
		{"10.255.255.255", private, "private"},
		{"100.63.255.255", public, ""},
		{"100.64.0.1", private, "CGNAT"},
		{"100.127.255.254", private, "CGNAT"},
		{"100.128.0.0", public, ""},
		{"127.0.0.1", private, "loopback"},
		{"127.255.255.254", private, "loopback"},
		{"169.254.169.254", private, "link-local"},
		{"172.15.255.255", public, ""},
		{"172.16.0.1", private, "private"},
		{"172.31.255.255", private, "private"},
		{"172.32.0.0", public, ""},
		{"192.0.0.8", private, "IETF"},
		{"192.0.2.10", private, "documentation"},
		{"192.88.99.1", private, "6to4"},
		{"192.168.1.1", private, "private"},
		{"198.18.0.1", private, "benchmarking"},
		{"198.51.100.7", private, "documentation"},
		{"203.0.113.9", private, "documentation"},
		{"224.0.0.1", never, "multicast"},
		{"239.255.255.250", never, "multicast"},
		{"240.0.0.1", never, "reserved"},
		{"255.255.255.255", never, "broadcast"},
		// IPv6
		{"2606:4700:4700::1111", public, ""},
		{"2001:4860:4860::8888", public, ""},
		{"2a00:1450:4001::200e", public, ""},
		{"::", never, "unspecified"},
		{"::1", private, "loopback"},
		{"::ffff:127.0.0.1", private, "IPv4-mapped loopback"},
		{"::ffff:10.1.2.3", private, "IPv4-mapped private"},
		{"::ffff:8.8.8.8", private, "IPv4-mapped"},
		{"::ffff:0.0.0.0", never, "IPv4-mapped unspecified"},
		{"::ffff:224.0.0.1", never, "IPv4-mapped multicast"},
		{"::127.0.0.1", private, "not global unicast"}, // IPv4-compatible (deprecated)
		{"fe80::1", private, "link-local"},
		{"fe80::1%eth0", private, "link-local"},
		{"fc00::1", private, "unique local"},
		{"fd12:3456:789a::1", private, "unique local"},
		{"fec0::1", private, "not global unicast"}, // site-local (deprecated)
		{"ff02::1", never, "multicast"},
		{"ff05::1:3", never, "multicast"},
		{"64:ff9b::8.8.8.8", public, ""},
		{"64:ff9b::127.0.0.1", private, "NAT64 loopback"},
		{"64:ff9b::a9fe:a9fe", private, "NAT64 link-local"},
		{"64:ff9b::e000:1", never, "NAT64 multicast"},
		{"64:ff9b:1::1", private, "not global unicast"}, // local-use NAT64
		{"100::1", private, "not global unicast"},       // discard-only
		{"2001::1", private, "IETF"},                    // Teredo
		{"2001:2::1", private, "IETF"},                  // benchmarking
		{"2001:db8::1", private, "documentation"},
		{"2002:7f00:1::1", private, "6to4"},
		{"3fff::1", private, "documentation"},
		{"4000::1", private, "not global unicast"},
	}
	for _, tt := range tests {
		addr := netip.MustParseAddr(tt.addr)
		for _, allowPrivate := range []bool{false, true} {
			err := egress.CheckAddr(addr, allowPrivate)
			allowed := tt.want == public || tt.want == private && allowPrivate
			if allowed && err != nil {
				t.Errorf("CheckAddr(%s, allowPrivate=%v) = %v, want allowed", tt.addr, allowPrivate, err)
			}
			if !allowed && (!errors.Is(err, egress.ErrAddress) || !strings.Contains(err.Error(), tt.kind)) {
				t.Errorf("CheckAddr(%s, allowPrivate=%v) = %v, want ErrAddress naming %q", tt.addr, allowPrivate, err, tt.kind)
			}
		}
	}
	if err := egress.CheckAddr(netip.Addr{}, true); !errors.Is(err, egress.ErrAddress) {
		t.Errorf("CheckAddr(invalid) = %v", err)
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url                   string
		want, wantWithPrivate error
	}{
		{"https://hooks.example.com/fastauth", nil, nil},
		{"http://hooks.example.com:8080/x?y=1", nil, nil},
		{"https://user:pass@hooks.example.com/", nil, nil},
		{"https://8.8.8.8/hook", nil, nil},
		{"https://[2606:4700:4700::1111]:443/", nil, nil},
		{"http://localhost:9000/", nil, nil}, // names are checked when dialled
		{"http://127.0.0.1:9000/", egress.ErrAddress, nil},
		{"http://[::1]/", egress.ErrAddress, nil},
		{"http://169.254.169.254/latest/meta-data/", egress.ErrAddress, nil},
		{"http://[::ffff:169.254.169.254]/", egress.ErrAddress, nil},
		{"http://0.0.0.0:80/", egress.ErrAddress, egress.ErrAddress},
		{"ftp://hooks.example.com/", egress.ErrScheme, egress.ErrScheme},
		{"file:///etc/passwd", egress.ErrScheme, egress.ErrScheme},
		{"HTTPS://hooks.example.com/", nil, nil}, // url.Parse lower-cases the scheme
		{"//hooks.example.com/", egress.ErrScheme, egress.ErrScheme},
		{"hooks.example.com/path", egress.ErrScheme, egress.ErrScheme},
	}
	for _, tt := range tests {
		for _, allowPrivate := range []bool{false, true} {
			want := tt.want
			if allowPrivate {
				want = tt.wantWithPrivate
			}
			err := egress.CheckURL(tt.url, allowPrivate)
			if want == nil && err != nil || want != nil && !errors.Is(err, want) {
				t.Errorf("CheckURL(%q, %v) = %v, want %v", tt.url, allowPrivate, err, want)
			}
		}
	}
	for _, bad := range []string{"", "https://", "http://:80/", "https://exa mple.com/", "http://[::1/"} {
		if err := egress.CheckURL(bad, true); err == nil {
			t.Errorf("CheckURL(%q) accepted", bad)
		}
	}
}
