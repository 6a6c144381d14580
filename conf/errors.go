package conf

import "fmt"

// Error is a problem in a file the user wrote. It names the file and line,
// says what is wrong with which value, and how to fix it.
type Error struct {
	File string
	Line int    // 0 when the problem is the file as a whole
	Msg  string // what is wrong, quoting the value
	Fix  string // what to do about it; may be empty
}

// Error formats the problem as "file:line: msg; fix".
func (e *Error) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc = fmt.Sprintf("%s:%d", e.File, e.Line)
	}
	if e.Fix == "" {
		return loc + ": " + e.Msg
	}
	return loc + ": " + e.Msg + "; " + e.Fix
}

// Warner receives problems that do not stop the run, such as unknown keys.
type Warner func(w *Error)
