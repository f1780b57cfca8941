package followup_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/cbss-egcc/childcentre/internal/exchange"
	"github.com/cbss-egcc/childcentre/internal/followup"
	"github.com/cbss-egcc/childcentre/internal/store/storetest"
)

// BenchmarkSealOpenAttachment1MiB is the cost of one 1 MiB attachment
// crossing the network, as Attach and Receive do it: sealing is the
// content check, the digest, the frame, HPKE to the receiving node's key
// and the sending node's signature; opening is the signature's check,
// HPKE, the frame, the digest and the content check again. Storing is not
// counted. Reported: seal-ms/op, open-ms/op and ms/op for both (the
// issue's figure: under 50 ms).
func BenchmarkSealOpenAttachment1MiB(b *testing.B) {
	se, fi, _, _ := twoNodes(b, storetest.New(b))
	file := pdfFile(1<<20 - 128)
	to := fi.peers.certs[1]
	var sealing, opening time.Duration
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		start := time.Now()
		ct, err := followup.CheckContent("application/pdf", "scan.pdf", file)
		if err != nil {
			b.Fatal(err)
		}
		sum := sha256.Sum256(file)
		frame, err := exchange.AttachmentFrame(exchange.FollowUpMessage{ID: "m1", Thread: "t1", Type: exchange.FollowUpAttachmentType,
			Attachment: &exchange.FollowUpAttachment{ID: "a1", Name: "scan.pdf", ContentType: ct, Size: int64(len(file)),
				SHA256: hex.EncodeToString(sum[:]), Handling: "H2", Evaluation: "B2"}}, file)
		if err != nil {
			b.Fatal(err)
		}
		sealed, err := se.peers.Seal(to, exchange.KindFollowUpAttachment, frame)
		if err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		plain, err := fi.peers.Open(b.Context(), "SE", exchange.KindFollowUpAttachment, sealed)
		if err != nil {
			b.Fatal(err)
		}
		m, data, err := exchange.ParseAttachmentFrame(plain)
		if err != nil {
			b.Fatal(err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != m.Attachment.SHA256 {
			b.Fatal("digest mismatch")
		}
		if _, err := followup.CheckContent(m.Attachment.ContentType, m.Attachment.Name, data); err != nil {
			b.Fatal(err)
		}
		sealing += mid.Sub(start)
		opening += time.Since(mid)
	}
	n := float64(b.N)
	b.ReportMetric(float64(sealing.Microseconds())/1000/n, "seal-ms/op")
	b.ReportMetric(float64(opening.Microseconds())/1000/n, "open-ms/op")
	b.ReportMetric(float64((sealing+opening).Microseconds())/1000/n, "ms/op")
}
