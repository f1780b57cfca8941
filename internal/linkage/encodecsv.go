package linkage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
)

// batchSize is the number of rows one worker encodes at a time.
const batchSize = 2048

// Sink receives encoded records in input order.
type Sink interface {
	Write(id string, filter []uint64) error
}

// EncodeCSV reads CSV with a header from r, encodes every row with enc on
// workers goroutines (GOMAXPROCS if workers <= 0) and writes the records to
// sink in input order. progress, if not nil, is called with the number of
// rows done after each batch. A row that cannot be read or encoded stops the
// run with a *RowError; a record id seen twice is one too.
func EncodeCSV(ctx context.Context, r io.Reader, enc *Encoder, sink Sink, workers int, progress func(rows int)) (int, error) {
	cr, err := NewCSVReader(r, enc.Schema())
	if err != nil {
		return 0, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type batch struct {
		rows    [][]string
		lines   []int
		filters []uint64
		err     error
		done    chan struct{}
	}
	words := enc.Words()
	todo := make(chan *batch, workers)
	ordered := make(chan *batch, 2*workers)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Workers encode batches; each has its own Encoder.
	var wg sync.WaitGroup
	for w := range workers {
		e := enc
		if w > 0 {
			e = enc.Clone()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range todo {
				b.filters = make([]uint64, len(b.rows)*words)
				for i, row := range b.rows {
					if err := e.Encode(row, b.filters[i*words:(i+1)*words]); err != nil {
						var ce *ColumnError
						if errors.As(err, &ce) {
							err = &RowError{Row: b.lines[i], Column: ce.Column, Problem: ce.Problem}
						}
						b.err = err
						break
					}
				}
				close(b.done)
			}
		}()
	}

	// The reader cuts batches and queues them in order.
	var readErr error
	go func() {
		defer close(ordered)
		defer close(todo)
		for {
			b := &batch{done: make(chan struct{})}
			for len(b.rows) < batchSize {
				row, line, err := cr.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					readErr = err
					break
				}
				b.rows = append(b.rows, append([]string(nil), row...))
				b.lines = append(b.lines, line)
			}
			if len(b.rows) > 0 {
				select {
				case todo <- b:
				case <-ctx.Done():
					return
				}
				select {
				case ordered <- b:
				case <-ctx.Done():
					return
				}
			}
			if len(b.rows) < batchSize || readErr != nil {
				return
			}
		}
	}()

	// Write batches in order; stop at the first error.
	seen := map[string]int{}
	n := 0
	var outErr error
	for b := range ordered {
		<-b.done
		if outErr != nil {
			continue
		}
		if b.err != nil {
			outErr = b.err
			cancel()
			continue
		}
		for i, row := range b.rows {
			id := row[0]
			if first, dup := seen[id]; dup {
				outErr = &RowError{Row: b.lines[i], Column: cr.Columns()[0], Problem: fmt.Sprintf("the record id occurs twice (first in row %d)", first)}
				break
			}
			seen[id] = b.lines[i]
			if err := sink.Write(id, b.filters[i*words:(i+1)*words]); err != nil {
				outErr = err
				break
			}
			n++
		}
		if outErr != nil {
			cancel()
			continue
		}
		if progress != nil {
			progress(n)
		}
		if err := ctx.Err(); err != nil {
			outErr = err
			cancel()
		}
	}
	wg.Wait()
	if outErr != nil {
		return n, outErr
	}
	if readErr != nil {
		return n, readErr
	}
	// A cancelled run must not look complete.
	return n, parent.Err()
}
