package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
)

// FileWitness keeps checkpoints as JSON lines appended to a file. The file
// is meant to live where the database's owner cannot write: a directory of
// another system user that the server may only append to (chattr +a), or
// a mount shipped to another machine (docs/security.md). It never rewrites
// or truncates the file.
type FileWitness struct {
	Path string
	mu   sync.Mutex
}

// maxCheckpointLine bounds one line of a checkpoint file.
const maxCheckpointLine = 4096

// Witness appends cp to the file and syncs it to disk.
func (w *FileWitness) Witness(ctx context.Context, cp Checkpoint) error {
	line, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	f, err := os.OpenFile(w.Path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return fmt.Errorf("audit: checkpoint file: %w", err)
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("audit: checkpoint file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("audit: checkpoint file: %w", err)
	}
	return f.Close()
}

// ErrNoCheckpoints is returned by ReadCheckpoints when the file does not
// exist: no checkpoint was ever written there.
var ErrNoCheckpoints = errors.New("audit: no checkpoint file")

// ReadCheckpoints reads the checkpoints of a FileWitness file and checks
// each with check (typically CheckCheckpoint under the node's key). A line
// that does not parse or whose signature fails is an error naming its line
// number: a witness's file is only ever appended to by the node, so a bad
// line means that someone wrote it.
func ReadCheckpoints(path string, check func(Checkpoint) error) ([]Checkpoint, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoCheckpoints
	}
	if err != nil {
		return nil, fmt.Errorf("audit: checkpoint file: %w", err)
	}
	defer f.Close()
	var out []Checkpoint
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 512), maxCheckpointLine)
	for n := 1; sc.Scan(); n++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var cp Checkpoint
		if err := json.Unmarshal(sc.Bytes(), &cp); err != nil {
			return nil, fmt.Errorf("audit: checkpoint file line %d: not a checkpoint", n)
		}
		if err := check(cp); err != nil {
			return nil, fmt.Errorf("audit: checkpoint file line %d: %w", n, err)
		}
		out = append(out, cp)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("audit: checkpoint file: %w", err)
	}
	return out, nil
}
