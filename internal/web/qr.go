package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"rsc.io/qr"
)

// quietZone is the white border around a QR code, in modules, that the
// standard asks for (ISO/IEC 18004: four).
const quietZone = 4

// qrSVG draws the QR code of text (an otpauth:// URI) as an inline SVG,
// on the server: the secret never goes to a third-party QR service, the
// page needs no script, and presentation attributes (fill) rather than
// style attributes keep it within the Content-Security-Policy. Each row's
// runs of dark modules become one path segment. label is the accessible
// name of the image.
func qrSVG(text, label string) (template.HTML, error) {
	code, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	n := code.Size + 2*quietZone
	var path strings.Builder
	for y := 0; y < code.Size; y++ {
		for x := 0; x < code.Size; {
			if !code.Black(x, y) {
				x++
				continue
			}
			start := x
			for x < code.Size && code.Black(x, y) {
				x++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", start+quietZone, y+quietZone, x-start, x-start)
		}
	}
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`,
		n, n, html.EscapeString(label), n, n, path.String())
	return template.HTML(svg), nil
}
