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

// Error formats the problem as "file:line: msg; fix". Without a File, as for
// a value given on the command line, it is "msg; fix".
func (e *Error) Error() string {
	msg := e.Msg
	if e.Fix != "" {
		msg += "; " + e.Fix
	}
	switch {
	case e.File == "":
		return msg
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, msg)
	}
	return e.File + ": " + msg
}

// Warner receives problems that do not stop the run, such as unknown keys.
type Warner func(w *Error)
