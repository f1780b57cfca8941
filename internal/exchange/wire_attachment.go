package exchange

import (
	"encoding/binary"
	"encoding/json"
	"errors"
)

// maxAttachmentHeader bounds the JSON header of an attachment frame.
const maxAttachmentHeader = 16 << 10

// AttachmentFrame writes the plaintext of a sealed attachment: the
// header's length, the header (m, with Attachment set) and the file's
// bytes (see KindFollowUpAttachment).
func AttachmentFrame(m FollowUpMessage, data []byte) ([]byte, error) {
	head, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if len(head) > maxAttachmentHeader {
		return nil, errors.New("exchange: an attachment's header is too long")
	}
	out := make([]byte, 0, 4+len(head)+len(data))
	out = binary.BigEndian.AppendUint32(out, uint32(len(head)))
	out = append(out, head...)
	return append(out, data...), nil
}

// ParseAttachmentFrame reads an attachment frame: its header and the
// file's bytes (a slice of frame). It checks the frame's form only; the
// receiver checks the header against the bytes (size, digest, content).
func ParseAttachmentFrame(frame []byte) (FollowUpMessage, []byte, error) {
	var m FollowUpMessage
	if len(frame) < 4 {
		return m, nil, errors.New("exchange: a truncated attachment frame")
	}
	n := binary.BigEndian.Uint32(frame)
	if n == 0 || n > maxAttachmentHeader || int(n) > len(frame)-4 {
		return m, nil, errors.New("exchange: an attachment frame's header length is out of range")
	}
	if err := json.Unmarshal(frame[4:4+n], &m); err != nil {
		return m, nil, errors.New("exchange: an attachment frame's header is not valid JSON")
	}
	if m.Type != FollowUpAttachmentType || m.Attachment == nil {
		return m, nil, errors.New("exchange: an attachment frame without an attachment header")
	}
	return m, frame[4+n:], nil
}
