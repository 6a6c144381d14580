package logging

import (
	"os"
	"sync"
)

// logFile is the open file a rotator writes, and the lock its writes and
// rotations take.
type logFile struct {
	mu sync.Mutex
	f  *os.File
}

// Close closes the file.
func (l *logFile) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
