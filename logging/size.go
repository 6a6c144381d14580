package logging

import (
	"fmt"
	"os"
)

// SizeRotator is an io.Writer on a log file that rotates it by size, as
// Python's RotatingFileHandler: when a write would take the file past
// maxBytes, file.N-1 becomes file.N (up to backupCount, the oldest
// deleted), file becomes file.1 and a new file starts. With maxBytes or
// backupCount zero the file never rotates.
type SizeRotator struct {
	logFile
	path        string
	maxBytes    int64
	backupCount int
	size        int64
}

// NewSizeRotator opens (appending to) the log file at path.
func NewSizeRotator(path string, maxBytes int64, backupCount int) (*SizeRotator, error) {
	r := &SizeRotator{path: path, maxBytes: maxBytes, backupCount: backupCount}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *SizeRotator) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("log file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("log file: %w", err)
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write writes p, rotating first when it would not fit.
func (r *SizeRotator) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if r.maxBytes > 0 && r.backupCount > 0 && r.size > 0 && r.size+int64(len(p)) > r.maxBytes {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

func (r *SizeRotator) rotate() error {
	if err := r.f.Close(); err != nil {
		return fmt.Errorf("log rotation: %w", err)
	}
	r.f = nil
	os.Remove(backupName(r.path, r.backupCount))
	for i := r.backupCount - 1; i >= 1; i-- {
		if _, err := os.Stat(backupName(r.path, i)); err == nil {
			if err := os.Rename(backupName(r.path, i), backupName(r.path, i+1)); err != nil {
				return fmt.Errorf("log rotation: %w", err)
			}
		}
	}
	if err := os.Rename(r.path, backupName(r.path, 1)); err != nil {
		// Keep logging into the same file rather than losing lines.
		if oerr := r.open(); oerr != nil {
			return oerr
		}
		return fmt.Errorf("log rotation: %w", err)
	}
	return r.open()
}

func backupName(path string, i int) string { return fmt.Sprintf("%s.%d", path, i) }
