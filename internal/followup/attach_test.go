package followup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cbss-egcc/childcentre/internal/audit"
	"github.com/cbss-egcc/childcentre/internal/auth"
	"github.com/cbss-egcc/childcentre/internal/errs"
	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

func code(err error) errs.Code {
	if err == nil {
		return ""
	}
	return errs.CodeOf(err)
}

func wantAudit(t *testing.T, s *side, action, want string) {
	t.Helper()
	if got := s.audits(t, action); !slices.Contains(got, want) {
		t.Errorf("%s's audit of %s: %q, want %q", s.country, action, got, want)
	}
}

// TestAttachmentSealOpen: a file attached on SE travels sealed to FI, is
// listed in both threads and opens on FI byte for byte; each step is
// audited; under H2 it may not be exported.
func TestAttachmentSealOpen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		se, fi, seReq, fiReq := twoNodes(t, db)
		file := pngFile(t, 32, 32, "Passport of the child")
		att, err := se.svc.Attach(ctx, actor("SE", auth.RoleOfficer), seReq, followup.AttachInput{Name: "C:\\photos\\child photo.PNG",
			ContentType: "image/png", Data: file, Handling: "H2", Evaluation: "B2", Officer: "Sara Lind"})
		if err != nil {
			t.Fatal(err)
		}
		wantAudit(t, se, audit.ActAttachmentSend, "ok:"+att.AttID+" image/png "+itoa(len(file))+" H2")
		msgs := se.outbox(t)
		if len(msgs) != 1 || msgs[0].Kind != exchange.KindFollowUpAttachment || bytes.Contains(msgs[0].Ciphertext, []byte("Passport")) ||
			bytes.Contains(msgs[0].Ciphertext, []byte("child photo")) {
			t.Fatalf("the outbox holds %d messages, or a file in clear", len(msgs))
		}
		if err := fi.svc.Receive(ctx, msgs[0]); err != nil {
			t.Fatal(err)
		}
		wantAudit(t, fi, audit.ActAttachmentReceive, "ok:"+att.AttID+" image/png "+itoa(len(file))+" H2")

		th, err := fi.svc.Read(ctx, actor("FI", auth.RoleOfficer), fiReq)
		if err != nil {
			t.Fatal(err)
		}
		if len(th.Attachments) != 1 || th.Attachments[0].Name != "child photo.PNG" || th.Attachments[0].Officer != "Sara Lind" ||
			th.Attachments[0].Direction != followup.In || th.Events[len(th.Events)-1].Kind != followup.EvAttachIn {
			t.Fatalf("FI's thread: %d attachments %+v", len(th.Attachments), th.Attachments)
		}
		v, data, err := fi.svc.OpenAttachment(ctx, actor("FI", auth.RoleOfficer), fiReq, th.Attachments[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, file) || v.ContentType != "image/png" || v.Name != "child photo.PNG" {
			t.Fatalf("opened %s %q, %d bytes; want the PNG as sent", v.ContentType, v.Name, len(data))
		}
		wantAudit(t, fi, audit.ActAttachmentOpen, "ok:download "+att.AttID+" image/png "+itoa(len(file))+" H2")
		if err := v.Export(); code(err) != errs.Forbidden {
			t.Errorf("a file under H2 may be exported: %v", err)
		}
		// The sender keeps its copy, and the other thread's number opens none.
		th, err = se.svc.Read(ctx, actor("SE", auth.RoleOfficer), seReq)
		if err != nil || len(th.Attachments) != 1 || th.Attachments[0].Direction != followup.Out {
			t.Fatalf("SE's thread: %+v %v", th, err)
		}
		if _, _, err := se.svc.OpenAttachment(ctx, actor("SE", auth.RoleOfficer), seReq+1000, th.Attachments[0].ID); code(err) != errs.NotFound {
			t.Errorf("a file opened through another request: %v", err)
		}
	})
}

// TestAttachmentRefusedMessages: a tampered, replayed or wrongly signed
// attachment, one whose header lies about its bytes, and one for a
// thread the receiver does not hold with the sender are refused and
// audited; nothing is stored.
func TestAttachmentRefusedMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		se, fi, seReq, fiReq := twoNodes(t, db)
		if _, err := se.svc.Attach(ctx, actor("SE", auth.RoleOfficer), seReq, followup.AttachInput{Name: "a.jpg",
			Data: jpegFile(t), Handling: "H1", Evaluation: "A1"}); err != nil {
			t.Fatal(err)
		}
		genuine := se.outbox(t)[0]
		tampered := *genuine
		tampered.Ciphertext = bytes.Clone(genuine.Ciphertext)
		tampered.Ciphertext[len(tampered.Ciphertext)/2] ^= 1
		wrongSigner := *genuine
		wrongSigner.From = "FI"

		// A frame whose header's digest is not that of the bytes, and one
		// for a thread FI does not hold, each sealed and signed by SE.
		sealed := func(thread string, mutate func(*exchange.FollowUpAttachment)) *exchange.Sealed {
			file := jpegFile(t)
			h := exchange.FollowUpAttachment{ID: "att-x" + thread, Name: "b.jpg", ContentType: "image/jpeg", Size: int64(len(file)),
				SHA256: sha(file), Handling: "H0", Evaluation: "A1"}
			mutate(&h)
			frame, err := exchange.AttachmentFrame(exchange.FollowUpMessage{ID: "m-" + thread + h.SHA256[:4], Thread: thread,
				Type: exchange.FollowUpAttachmentType, Attachment: &h}, file)
			if err != nil {
				t.Fatal(err)
			}
			ct, err := se.peers.Seal(fi.peers.certs[1], exchange.KindFollowUpAttachment, frame)
			if err != nil {
				t.Fatal(err)
			}
			return &exchange.Sealed{From: "SE", Kind: exchange.KindFollowUpAttachment, Ciphertext: ct}
		}
		lying := sealed("thread-1", func(h *exchange.FollowUpAttachment) { h.SHA256 = strings.Repeat("0", 64) })
		relabelled := sealed("thread-1", func(h *exchange.FollowUpAttachment) { h.ContentType, h.Name = "image/png", "b.png" })
		stranger := sealed("thread-9", func(*exchange.FollowUpAttachment) {})

		if err := fi.svc.Receive(ctx, genuine); err != nil {
			t.Fatal(err)
		}
		for name, m := range map[string]*exchange.Sealed{"replay": genuine, "tampered": &tampered, "wrong signer": &wrongSigner,
			"lying header": lying, "relabelled content": relabelled, "no such thread": stranger} {
			if err := fi.svc.Receive(ctx, m); err == nil {
				t.Errorf("%s: accepted", name)
			}
		}
		got := fi.audits(t, audit.ActDisclosureReject)
		for _, want := range []string{"refused:replay from SE", "refused:unverified from SE", "refused:unverified from FI",
			"refused:malformed from SE", "refused:content from SE", "refused:forbidden from SE"} {
			if !slices.Contains(got, want) {
				t.Errorf("FI's audit of refused messages %q lacks %q", got, want)
			}
		}
		th, err := fi.svc.Read(ctx, actor("FI", auth.RoleSupervisor), fiReq)
		if err != nil || len(th.Attachments) != 1 {
			t.Fatalf("FI holds %d attachments after the refusals, want the genuine one: %v", len(th.Attachments), err)
		}
	})
}

// TestAttachmentLimits: a file too large for the sender or for the
// receiver, of a type not allowed, or attached to a request that has not
// left is refused, and refusals at upload are audited.
func TestAttachmentLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		se, fi, seReq, _ := twoNodes(t, db)
		off := actor("SE", auth.RoleOfficer)
		attach := func(name, ct string, data []byte) error {
			_, err := se.svc.Attach(ctx, off, seReq, followup.AttachInput{Name: name, ContentType: ct, Data: data, Handling: "H0", Evaluation: "B2"})
			return err
		}
		se.svc.MaxAttachment = 4 << 10
		if err := attach("big.pdf", "application/pdf", pdfFile(5<<10)); code(err) != errs.Invalid {
			t.Errorf("a file above the limit: %v", err)
		}
		wantAudit(t, se, audit.ActAttachmentSend, "refused:too_large")
		if err := attach("page.html", "text/html", []byte("<html><script>alert(1)</script></html>")); code(err) != errs.Invalid {
			t.Errorf("HTML: %v", err)
		}
		if err := attach("photo.jpg", "image/jpeg", pngFile(t, 4, 4, "")); code(err) != errs.Invalid {
			t.Errorf("a PNG declared as JPEG: %v", err)
		}
		wantAudit(t, se, audit.ActAttachmentSend, "refused:content")
		if len(se.outbox(t)) != 0 {
			t.Fatal("a refused file was queued")
		}

		// The receiver's own limit holds whatever the sender's.
		se.svc.MaxAttachment, fi.svc.MaxAttachment = 0, 2<<10
		if err := attach("doc.pdf", "application/pdf", pdfFile(3<<10)); err != nil {
			t.Fatal(err)
		}
		if err := fi.svc.Receive(ctx, se.outbox(t)[0]); code(err) != errs.Invalid {
			t.Errorf("a file above the receiver's limit: %v", err)
		}
		wantAudit(t, fi, audit.ActDisclosureReject, "refused:too_large from SE")

		waiting := se.putRequest(t, "thread-2", followup.Out, "FI", followup.StateApproval)
		if _, err := se.svc.Attach(ctx, off, waiting, followup.AttachInput{Name: "a.jpg", Data: jpegFile(t), Handling: "H0", Evaluation: "B2"}); code(err) != errs.Conflict {
			t.Errorf("a file on a request waiting for approval: %v", err)
		}
		if _, err := se.svc.Attach(ctx, actor("SE", auth.RoleAuditor), seReq, followup.AttachInput{Name: "a.jpg", Data: jpegFile(t), Handling: "H0", Evaluation: "B2"}); code(err) != errs.Forbidden {
			t.Errorf("an auditor attached: %v", err)
		}
	})
}

// TestAttachmentH3: a file under H3 is listed to an officer without its
// name and refused on download, audited as denied; a supervisor opens it.
func TestAttachmentH3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		se, fi, seReq, fiReq := twoNodes(t, db)
		file := pdfFile(2 << 10)
		if _, err := se.svc.Attach(ctx, actor("SE", auth.RoleSupervisor), seReq, followup.AttachInput{Name: "report.pdf",
			ContentType: "application/pdf", Data: file, Handling: "H3", Evaluation: "A1"}); err != nil {
			t.Fatal(err)
		}
		if err := fi.svc.Receive(ctx, se.outbox(t)[0]); err != nil {
			t.Fatal(err)
		}
		th, err := fi.svc.Read(ctx, actor("FI", auth.RoleOfficer), fiReq)
		if err != nil {
			t.Fatal(err)
		}
		a := th.Attachments[0]
		if !a.Withheld || a.Name != "" {
			t.Fatalf("an H3 file shown to an officer: %+v", a)
		}
		wantAudit(t, fi, audit.ActDisclosureOpen, "denied:H3 details withheld from role ncp_officer")
		if _, data, err := fi.svc.OpenAttachment(ctx, actor("FI", auth.RoleOfficer), fiReq, a.ID); code(err) != errs.Forbidden || data != nil {
			t.Fatalf("an officer downloaded an H3 file: %v", err)
		}
		wantAudit(t, fi, audit.ActAttachmentOpen, "denied:H3 file withheld from role ncp_officer "+a.AttID)
		v, data, err := fi.svc.OpenAttachment(ctx, actor("FI", auth.RoleSupervisor), fiReq, a.ID)
		if err != nil || !bytes.Equal(data, file) || v.Name != "report.pdf" {
			t.Fatalf("a supervisor's download: %v", err)
		}
		if err := v.Export(); code(err) != errs.Forbidden {
			t.Errorf("a file under H3 may be exported: %v", err)
		}
	})
}

// TestAttachmentFrame: the frame's header and bytes read back; a frame
// cut short or with a header that is not an attachment's is refused.
func TestAttachmentFrame(t *testing.T) {
	m := exchange.FollowUpMessage{ID: "m1", Thread: "t1", Type: exchange.FollowUpAttachmentType,
		Attachment: &exchange.FollowUpAttachment{ID: "a1", Name: "x.pdf", ContentType: "application/pdf", Size: 3}}
	frame, err := exchange.AttachmentFrame(m, []byte("abc"))
	if err != nil {
		t.Fatal(err)
	}
	got, data, err := exchange.ParseAttachmentFrame(frame)
	if err != nil || string(data) != "abc" || got.Attachment.Name != "x.pdf" {
		t.Fatalf("read back %+v %q %v", got, data, err)
	}
	notAtt, _ := json.Marshal(exchange.FollowUpMessage{ID: "m1", Thread: "t1", Type: exchange.FollowUpRequestType})
	bad := map[string][]byte{
		"empty":         nil,
		"cut in header": frame[:10],
		"huge length":   {0xff, 0xff, 0xff, 0xff, '{'},
		"no attachment": append([]byte{0, 0, 0, byte(len(notAtt))}, notAtt...),
	}
	for name, f := range bad {
		if _, _, err := exchange.ParseAttachmentFrame(f); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
