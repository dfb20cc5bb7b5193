package ui

import "testing"

func TestSafeNext(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"/auth/ui/account", "/auth/ui/account"},
		{"/auth/ui/accept-invite?token=x", "/auth/ui/accept-invite?token=x"},
		{"//evil.example/", ""},
		{"/\\evil.example", ""},
		{"https://evil.example/", ""},
		{"javascript:alert(1)", ""},
		{"/a\r\nSet-Cookie: x=y", ""},
		{"", ""},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
