package accesstoken

import (
	"encoding/json"
	"testing"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzNumericDate: a date claim decodes through NumericDate exactly as
// through golang-jwt's NumericDate (the same instant, or an error from
// both), whatever JSON value the claim holds, and a token's claims decode
// to the same dates either way.
func FuzzNumericDate(f *testing.F) {
	for _, seed := range []string{
		"1700000000", "1700000000.5", "1700000000.999999999", "-1", "0", "-0.5", "1e9", "1.7e9", "1E+09",
		"9223372036854775807", "1e300", "-1e300", "1e400", "0.0000001", `"1700000000"`, `"1.5e9"`, `"x"`,
		"null", "true", `{}`, `[1]`, "01", "1.", "-", "Infinity", `"\u0031\u0037"`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		doc := []byte(`{"exp":` + v + `,"iat":` + v + `}`)
		var theirs struct {
			Exp *jwt.NumericDate `json:"exp"`
			Iat *jwt.NumericDate `json:"iat"`
		}
		var ours struct {
			Exp *NumericDate `json:"exp"`
			Iat *NumericDate `json:"iat"`
		}
		errTheirs := json.Unmarshal(doc, &theirs)
		errOurs := json.Unmarshal(doc, &ours)
		if (errTheirs == nil) != (errOurs == nil) {
			t.Fatalf("%s: golang-jwt error %v, ours %v", doc, errTheirs, errOurs)
		}
		if errTheirs != nil {
			return
		}
		for _, p := range [][2]any{{theirs.Exp, ours.Exp}, {theirs.Iat, ours.Iat}} {
			a, b := p[0].(*jwt.NumericDate), p[1].(*NumericDate)
			if (a == nil) != (b == nil) {
				t.Fatalf("%s: golang-jwt %v, ours %v", doc, a, b)
			}
			if a != nil && (!a.Equal(b.Time) || a.Location() != b.Location() || a.UnixNano() != b.UnixNano()) {
				t.Fatalf("%s: golang-jwt %v (%d ns), ours %v (%d ns)", doc, a.Time, a.UnixNano(), b.Time, b.UnixNano())
			}
		}
	})
}
