package web

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rsc.io/qr"
)

// TestQRSVG reads the modules back out of the drawn SVG and compares them
// with the QR code of the same text, quiet zone included.
func TestQRSVG(t *testing.T) {
	uri := "otpauth://totp/Childcentre%20SE:eva.officer?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Childcentre%20SE&algorithm=SHA1&digits=6&period=30"
	svg, err := qrSVG(uri, `QR code "of" <you>`)
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if !strings.Contains(s, `aria-label="QR code &#34;of&#34; &lt;you&gt;"`) || strings.Contains(s, "style=") || strings.Contains(s, uri) {
		t.Fatalf("SVG attributes: %s", s[:200])
	}
	code, err := qr.Encode(uri, qr.M)
	if err != nil {
		t.Fatal(err)
	}
	n := code.Size + 2*quietZone
	if !strings.Contains(s, `viewBox="0 0 `+strconv.Itoa(n)+` `+strconv.Itoa(n)+`"`) {
		t.Fatal("viewBox does not include the quiet zone")
	}
	grid := make([][]bool, n)
	for i := range grid {
		grid[i] = make([]bool, n)
	}
	for _, m := range regexp.MustCompile(`M(\d+) (\d+)h(\d+)v1h-(\d+)z`).FindAllStringSubmatch(s, -1) {
		x, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[2])
		w, _ := strconv.Atoi(m[3])
		for i := 0; i < w; i++ {
			if grid[y][x+i] {
				t.Fatalf("module %d,%d drawn twice", x+i, y)
			}
			grid[y][x+i] = true
		}
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			want := code.Black(x-quietZone, y-quietZone)
			if grid[y][x] != want {
				t.Fatalf("module %d,%d: drawn %v, want %v", x, y, grid[y][x], want)
			}
		}
	}
}
