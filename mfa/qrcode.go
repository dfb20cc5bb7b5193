package mfa

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/boombuler/barcode/qr"
)

// QR code rendering: the quiet zone of four modules the QR standard asks
// for, so the code scans on dark pages too, and a scale that makes the
// image at least qrMinSize pixels wide.
const (
	qrQuietZone = 4
	qrMinSize   = 256
)

// qrPalette is white (index 0, the background) and black.
var qrPalette = color.Palette{color.White, color.Black}

// QRCodeDataURL returns a PNG QR code of content (error correction level
// M) as a data:image/png;base64 URL, for an <img src>. The QR matrix is
// github.com/boombuler/barcode's (the encoder of pquerna/otp's key images).
func QRCodeDataURL(content string) (string, error) {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return "", fmt.Errorf("mfa: QR code: %w", err)
	}
	modules := code.Bounds().Dx()
	side := modules + 2*qrQuietZone
	scale := (qrMinSize + side - 1) / side
	img := image.NewPaletted(image.Rect(0, 0, side*scale, side*scale), qrPalette)
	for y := range modules {
		for x := range modules {
			if !isDark(code.At(code.Bounds().Min.X+x, code.Bounds().Min.Y+y)) {
				continue
			}
			x0, y0 := (x+qrQuietZone)*scale, (y+qrQuietZone)*scale
			for dy := range scale {
				row := img.Pix[(y0+dy)*img.Stride:]
				for dx := range scale {
					row[x0+dx] = 1
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("mfa: QR code PNG: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

// isDark reports whether a module's colour is dark.
func isDark(c color.Color) bool {
	g := color.GrayModel.Convert(c).(color.Gray)
	return g.Y < 128
}
