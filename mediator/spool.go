package mediator

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// spool is the bounded on-disk buffer: one file per batch, named by a
// sequence number so that replay keeps the order of arrival. Files are
// written to a temporary name and renamed, so a crash leaves whole batches
// only.
type spool struct {
	dir   string
	limit int64 // bytes

	mu    sync.Mutex
	next  uint64
	files []spoolFile // in sequence order
	size  int64
}

type spoolFile struct {
	name  string
	seq   uint64
	size  int64
	items int // spans in the batch
}

const spoolExt = ".otlp"

// openSpool opens (creating) the buffer in dir and lists the batches a
// previous run left there.
func openSpool(dir string, limit int64) (*spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("mediator buffer %s: %w; set [Mediator] buffer_dir to a writable directory", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("mediator buffer %s: %w", dir, err)
	}
	s := &spool{dir: dir, limit: limit, next: 1}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".tmp") {
			os.Remove(filepath.Join(dir, name)) // a write cut short
			continue
		}
		seq, items, ok := parseSpoolName(name)
		if !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		s.files = append(s.files, spoolFile{name: name, seq: seq, size: info.Size(), items: items})
		s.size += info.Size()
		s.next = max(s.next, seq+1)
	}
	slices.SortFunc(s.files, func(a, b spoolFile) int {
		if c := cmp.Compare(a.seq, b.seq); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	return s, nil
}

// spoolName is "<seq>-<pid>-<items>.otlp": the item count is in the name so
// that opening the buffer needs no read of the batches, the pid keeps two
// tracers sharing a directory from overwriting each other's batches.
func spoolName(seq uint64, items int) string {
	return fmt.Sprintf("%016d-%d-%d%s", seq, os.Getpid(), items, spoolExt)
}

func parseSpoolName(name string) (seq uint64, items int, ok bool) {
	base, found := strings.CutSuffix(name, spoolExt)
	if !found {
		return 0, 0, false
	}
	parts := strings.Split(base, "-")
	if len(parts) != 3 {
		return 0, 0, false
	}
	seq, err1 := strconv.ParseUint(parts[0], 10, 64)
	_, err2 := strconv.Atoi(parts[1])
	n, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || n < 0 {
		return 0, 0, false
	}
	return seq, n, true
}

// errFull says a batch did not fit in the buffer's bound.
var errFull = errors.New("the mediator buffer is full")

// put appends a batch of items spans. It returns errFull when the batch
// would take the buffer past its bound.
func (s *spool) put(data []byte, items int) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.size+int64(len(data)) > s.limit {
		return errFull
	}
	seq := s.next
	s.next++
	base := spoolName(seq, items)
	name := filepath.Join(s.dir, base)
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("mediator buffer: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("mediator buffer: %w", err)
	}
	s.files = append(s.files, spoolFile{name: base, seq: seq, size: int64(len(data)), items: items})
	s.size += int64(len(data))
	return nil
}

// head returns the oldest batch, ok false when the buffer is empty.
func (s *spool) head() (f spoolFile, data []byte, ok bool, err error) {
	s.mu.Lock()
	if len(s.files) == 0 {
		s.mu.Unlock()
		return spoolFile{}, nil, false, nil
	}
	f = s.files[0]
	s.mu.Unlock()
	data, err = os.ReadFile(filepath.Join(s.dir, f.name))
	return f, data, true, err
}

// drop removes the oldest batch once it was delivered (or is unreadable).
func (s *spool) drop(f spoolFile) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.files) == 0 || s.files[0].name != f.name {
		return
	}
	os.Remove(filepath.Join(s.dir, f.name))
	s.files = s.files[1:]
	s.size -= f.size
}

// pending returns the batches, spans and bytes waiting in the buffer.
func (s *spool) pending() (batches, items int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		items += f.items
	}
	return len(s.files), items, s.size
}
