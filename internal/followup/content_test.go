package followup_test

import (
	"testing"

	"github.com/cbss-egcc/childcentre/internal/followup"
)

func TestCheckContent(t *testing.T) {
	png := pngFile(t, 8, 8, "")
	jpg := jpegFile(t)
	pdf := pdfFile(256)
	gif := []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	tests := []struct {
		name, declared, file string
		data                 []byte
		want                 string // "" = refused
	}{
		{"png", "image/png", "a.png", png, "image/png"},
		{"jpeg", "image/jpeg", "a.JPG", jpg, "image/jpeg"},
		{"jpeg as .jpeg, alias type", "image/jpg", "a.jpeg", jpg, "image/jpeg"},
		{"pdf", "application/pdf", "report.pdf", pdf, "application/pdf"},
		{"type not declared", "", "a.png", png, "image/png"},
		{"octet-stream declared", "application/octet-stream", "a.pdf", pdf, "application/pdf"},
		{"declared with parameters", "image/png; name=a.png", "a.png", png, "image/png"},
		{"empty", "image/png", "a.png", nil, ""},
		{"gif", "image/gif", "a.gif", gif, ""},
		{"gif named png", "image/png", "a.png", gif, ""},
		{"html", "text/html", "a.html", []byte("<!DOCTYPE html><script>x</script>"), ""},
		{"svg named png", "image/png", "a.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>`), ""},
		{"png declared jpeg", "image/jpeg", "a.jpg", png, ""},
		{"png named pdf", "application/octet-stream", "a.pdf", png, ""},
		{"png without ending", "image/png", "a", png, ""},
		{"png with data after IEND", "image/png", "a.png", append(append([]byte{}, png...), "<html>"...), ""},
		{"png cut short", "image/png", "a.png", png[:len(png)-12], ""},
		{"pdf without %%EOF", "application/pdf", "a.pdf", pdf[:len(pdf)-7], ""},
		{"jpeg without end of image", "image/jpeg", "a.jpg", jpg[:len(jpg)-2], ""},
		{"zip named pdf", "application/pdf", "a.pdf", []byte("PK\x03\x04rest of an archive"), ""},
		{"garbage declared type", "not a type", "a.png", png, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := followup.CheckContent(tt.declared, tt.file, tt.data)
			if got != tt.want || (err == nil) != (tt.want != "") {
				t.Errorf("CheckContent = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestCleanName(t *testing.T) {
	tests := []struct{ in, ct, want string }{
		{"photo.jpg", "image/jpeg", "photo.jpg"},
		{`C:\Users\x\Desktop\scan.PDF`, "application/pdf", "scan.PDF"},
		{"../../etc/passwd.png", "image/png", "passwd.png"},
		{"a\"b\r\n.png", "image/png", "ab.png"},
		{"", "image/png", "attachment.png"},
		{"x" + longName(200) + ".pdf", "application/pdf", "x" + longName(115) + ".pdf"},
	}
	for _, tt := range tests {
		if got := followup.CleanName(tt.in, tt.ct); got != tt.want {
			t.Errorf("CleanName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func longName(n int) string {
	b := make([]rune, n)
	for i := range b {
		b[i] = 'å'
	}
	return string(b)
}
