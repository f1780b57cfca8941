package nete2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/cases"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/webtest"
)

// upload posts a file with the thread page's upload form, as a browser
// does: multipart, with the page's CSRF token.
func upload(t *testing.T, c *webtest.Client, from webtest.Page, path, name, ctype string, data []byte, handling string) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range map[string]string{"csrf": from.CSRF(), "att_handling": handling, "att_evaluation": "B2"} {
		mw.WriteField(k, v)
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", ctype)
	part, _ := mw.CreatePart(h)
	part.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.Base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.Base)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func testPNG(t *testing.T, marker string) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 24, 24))
	rand.Read(img.Pix)
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes() // a tEXt chunk after the signature and IHDR
	text := append([]byte("Comment\x00"), marker...)
	chunk := append(append([]byte{0, 0, 0, byte(len(text))}, "tEXt"...), text...)
	chunk = append(chunk, 0, 0, 0, 0)
	return slices.Concat(data[:33], chunk, data[33:])
}

// TestAttachmentsAcrossNodes: a supervisor in FI uploads a 3 MiB document
// under H3 through the thread page; it crosses the hub sealed; in SE an
// officer sees that it exists but cannot download it, a supervisor
// downloads it byte for byte with safe headers. Too large and wrongly
// typed uploads are refused. Every step is audited, and the hub's files
// hold neither the files nor their names.
func TestAttachmentsAcrossNodes(t *testing.T) {
	n := newNet(t)
	cfg := n.config(t, "node", "SE")
	cfg.AttachmentMax = 4 << 20
	se := n.startNode(t, "SE", cfg)
	fi := n.startNode(t, "FI", nil)
	shareSecret(t, se, fi)
	ctx := context.Background()
	se.register(t, cases.ChildInput{NationalRef: "SE-26-0042", GivenNames: "Mohammed", FamilyName: "Alhassan",
		BirthDate: "2011-03-14", Sex: cases.SexMale, Citizenships: []string{"SY"}})
	fi.register(t, cases.ChildInput{NationalRef: "FI/2026/77", GivenNames: "Muhammad", FamilyName: "Al-Hassan",
		BirthDate: "2011-01-01", BirthPlace: "Aleppo", BirthPrecision: cases.PrecisionEstimated, Sex: cases.SexMale, Citizenships: []string{"SY"}})
	waitFor(t, 30*time.Second, "the hit on SE", func() bool { return len(se.queue(t)) == 1 })
	req, err := se.Exchange.FollowUp.Create(ctx, officer("SE"), se.queue(t)[0].ID, followup.Input{Purpose: "Identify the child.",
		LegalBasis: "dir-2023-977", Urgency: followup.Urgent, Handling: "H2", Evaluation: "B2", Asked: []string{"given_names"}})
	if err != nil {
		t.Fatal(err)
	}
	var in *followup.Request
	waitFor(t, 15*time.Second, "the request on FI", func() bool { in = request(t, fi, req.Thread); return in != nil })

	// FI: a supervisor attaches a 3 MiB scan under H3 from the thread page.
	supFI := fi.user(t, "eero", auth.RoleSupervisor)
	fiThread := "/followup/" + strconv.FormatInt(in.ID, 10)
	page, err := supFI.Get(fiThread)
	if err != nil || !strings.Contains(page.Body, `id="followup-attach"`) {
		t.Fatalf("FI's thread page has no upload form: %d %v", page.Status, err)
	}
	scan := make([]byte, 3<<20)
	rand.Read(scan)
	scan = slices.Concat([]byte("%PDF-1.7\n% Birth certificate of Muhammad Al-Hassan\n"), scan, []byte("\n%%EOF\n"))
	resp := upload(t, supFI, page, fiThread+"/attachments", "birth-certificate-al-hassan.pdf", "application/pdf", scan, "H3")
	if resp.StatusCode != http.StatusOK || !strings.HasSuffix(resp.Request.URL.RawQuery, "done=attached") {
		t.Fatalf("upload: %d %s", resp.StatusCode, resp.Request.URL)
	}

	// SE: the file arrives; an officer sees it exists, a supervisor downloads it.
	var out *followup.Request
	waitFor(t, 30*time.Second, "the file on SE", func() bool {
		out = request(t, se, req.Thread)
		th, err := se.Exchange.FollowUp.Read(ctx, supervisor("SE"), out.ID)
		return err == nil && len(th.Attachments) == 1
	})
	seThread := "/followup/" + strconv.FormatInt(out.ID, 10)
	offSE, supSE := se.user(t, "sara", auth.RoleOfficer), se.user(t, "nils", auth.RoleSupervisor)
	page, _ = offSE.Get(seThread)
	if !strings.Contains(page.Body, "only a supervisor can open it") || strings.Contains(page.Body, "birth-certificate") {
		t.Fatalf("SE's officer sees the H3 file's name, or not that it exists")
	}
	th, _ := se.Exchange.FollowUp.Read(ctx, supervisor("SE"), out.ID)
	file := seThread + "/attachments/" + strconv.FormatInt(th.Attachments[0].ID, 10)
	if p, _ := offSE.Get(file); p.Status != http.StatusForbidden {
		t.Errorf("an officer downloading an H3 file: %d", p.Status)
	}
	dl, err := supSE.HTTP.Get(supSE.Base + file)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if dl.StatusCode != http.StatusOK || !bytes.Equal(got, scan) {
		t.Fatalf("a supervisor's download: %d, %d bytes; want the %d bytes sent", dl.StatusCode, len(got), len(scan))
	}
	for k, want := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
		"Content-Disposition": `attachment; filename=birth-certificate-al-hassan.pdf`, "Cache-Control": "no-store"} {
		if v := dl.Header.Get(k); v != want {
			t.Errorf("download header %s: %q, want %q", k, v, want)
		}
	}
	if csp := dl.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("download CSP %q", csp)
	}

	// SE: too large for SE's limit (413), a type not allowed (422), then a photo.
	page, _ = offSE.Get(seThread)
	if r := upload(t, offSE, page, seThread+"/attachments", "big.pdf", "application/pdf", make([]byte, 5<<20), "H0"); r.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 5 MiB file on a node that takes 4 MiB: %d", r.StatusCode)
	}
	if r := upload(t, offSE, page, seThread+"/attachments", "photo.png", "image/png", []byte("<html><script>alert(1)</script>"), "H0"); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("HTML named .png: %d", r.StatusCode)
	}
	photo := testPNG(t, "Photo of Mohammed at the reception centre")
	if r := upload(t, offSE, page, seThread+"/attachments", "mohammed-alhassan.png", "image/png", photo, "H1"); r.StatusCode != http.StatusOK {
		t.Fatalf("a photo: %d", r.StatusCode)
	}
	waitFor(t, 15*time.Second, "the photo on FI", func() bool {
		th, err := fi.Exchange.FollowUp.Read(ctx, officer("FI"), in.ID)
		return err == nil && len(th.Attachments) == 2
	})

	for _, c := range []struct {
		tn             *testNode
		action, prefix string
	}{
		{fi, audit.ActAttachmentSend, "ok:"}, {se, audit.ActAttachmentReceive, "ok:"}, {se, audit.ActAttachmentOpen, "denied:H3 file withheld"},
		{se, audit.ActAttachmentOpen, "ok:download"}, {se, audit.ActAttachmentSend, "refused:content"}, {fi, audit.ActAttachmentReceive, "ok:"},
	} {
		if d := details(auditOf(t, c.tn, c.action)); !slices.ContainsFunc(d, func(s string) bool { return strings.HasPrefix(s, c.prefix) }) {
			t.Errorf("%s's audit of %s: %q, want one starting %q", c.tn.cfg.Country, c.action, d, c.prefix)
		}
	}

	// The hub relayed ciphertext only; the nodes keep the files sealed.
	n.stopHub()
	se.stop()
	fi.stop()
	for _, f := range []string{"hub-SE/hub.db", "hub-SE/hub.db-wal", "node-SE/node.db", "node-SE/node.db-wal", "node-FI/node.db", "node-FI/node.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(n.dir, f))
		for _, s := range []string{"Birth certificate of Muhammad", "birth-certificate", "Photo of Mohammed", "mohammed-alhassan", "%PDF-1.7"} {
			if i := strings.Index(string(b), s); i >= 0 {
				t.Errorf("%s contains %q: %q", f, s, b[max(0, i-300):min(len(b), i+100)])
			}
		}
	}
}
