package mfa

import (
	"bytes"
	"encoding/base64"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/boombuler/barcode/qr"
)

// TestQRCodeDataURL decodes the PNG of a data URL and checks it module by
// module against the QR matrix of its content, with a white quiet zone of
// four modules and a size of at least 256 pixels.
func TestQRCodeDataURL(t *testing.T) {
	t.Parallel()
	content := otpauthURL("fastauth", "ada@example.com", randomSecret(t))
	u, err := QRCodeDataURL(content)
	if err != nil {
		t.Fatal(err)
	}
	b64, ok := strings.CutPrefix(u, "data:image/png;base64,")
	if !ok {
		t.Fatalf("not a PNG data URL: %.40s", u)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	matrix, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		t.Fatal(err)
	}
	n := matrix.Bounds().Dx()
	side := img.Bounds().Dx()
	if side != img.Bounds().Dy() || side < qrMinSize || side%(n+2*qrQuietZone) != 0 {
		t.Fatalf("image %v for %d modules", img.Bounds(), n)
	}
	scale := side / (n + 2*qrQuietZone)
	dark := func(x, y int) bool { // module (x, y) of the image, quiet zone included
		g := color.GrayModel.Convert(img.At(x*scale+scale/2, y*scale+scale/2)).(color.Gray)
		return g.Y < 128
	}
	for y := range n + 2*qrQuietZone {
		for x := range n + 2*qrQuietZone {
			mx, my := x-qrQuietZone, y-qrQuietZone
			want := mx >= 0 && my >= 0 && mx < n && my < n && isDark(matrix.At(mx, my))
			if dark(x, y) != want {
				t.Fatalf("module (%d, %d): dark %v, want %v", x, y, dark(x, y), want)
			}
		}
	}
	if len(raw) > 4096 {
		t.Errorf("PNG of %d bytes: the two-colour image should compress better", len(raw))
	}
}
