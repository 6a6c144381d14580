package conf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"unicode"

	"gopkg.in/ini.v1"
)

// iniFile is an INI file with the line of every section and key. go-ini
// reads the values but keeps no line numbers, so the text is also scanned
// line by line, following go-ini's rules for the options iniOptions sets.
type iniFile struct {
	Path     string
	Sections []*iniSection
}

type iniSection struct {
	Name string
	Line int
	Keys []iniKey
}

type iniKey struct {
	Name  string // lower-cased, as Python's ConfigParser and go-ini do
	Value string
	Line  int
}

// iniOptions make go-ini read files as Python's ConfigParser does: '#' and
// ';' inside values are kept (uri_replace_pattern is full of '#'), quotes
// around values are kept, keys are case-insensitive, section names are not,
// a value continues on lines indented below it, and a trailing backslash is
// not a continuation.
func iniOptions(size int) ini.LoadOptions {
	return ini.LoadOptions{
		InsensitiveKeys:            true,
		IgnoreInlineComment:        true,
		IgnoreContinuation:         true,
		PreserveSurroundedQuote:    true,
		AllowPythonMultilineValues: true,
		// go-ini looks ahead for continuation lines only within its
		// buffer; make the whole file fit.
		ReaderBufferSize: size + 64,
	}
}

// readINI reads and parses the INI file at path.
func readINI(path string) (*iniFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read the file: %v", err),
			Fix: "check the path and the file's permissions"}
	}
	return parseINI(path, data)
}

// parseINI parses data, the contents of the file at path.
func parseINI(path string, data []byte) (*iniFile, error) {
	f, err := scanINI(path, data)
	if err != nil {
		return nil, err
	}
	g, err := ini.LoadSources(iniOptions(len(data)), data)
	if err != nil {
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot parse the file: %v", err),
			Fix: "write [section] headers, key = value lines and # comments"}
	}
	for _, s := range f.Sections {
		gs, err := g.GetSection(s.Name)
		if err != nil {
			return nil, &Error{File: path, Line: s.Line, Msg: fmt.Sprintf("cannot read section [%s]: %v", s.Name, err)}
		}
		values := gs.KeysHash()
		for i := range s.Keys {
			k := &s.Keys[i]
			v, ok := values[k.Name]
			if !ok {
				return nil, &Error{File: path, Line: k.Line, Msg: fmt.Sprintf("cannot read the value of %s", k.Name),
					Fix: "write the line as key = value"}
			}
			k.Value = joinContinuation(v)
		}
	}
	return f, nil
}

// joinContinuation joins a value written over several lines: each line is
// trimmed and they are joined without a separator, so that long regular
// expressions and comma lists can be wrapped anywhere.
func joinContinuation(v string) string {
	if !strings.Contains(v, "\n") {
		return strings.TrimSpace(v)
	}
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	return strings.Join(lines, "")
}

// scanner follows go-ini's reading of a file, line by line.
type scanner struct {
	f        *iniFile
	cur      *iniSection
	sections map[string]int // name -> line
	keys     map[string]int // key of cur -> line
	// cont is set after a key line whose value may continue on the
	// indented lines that follow it.
	cont bool
	// quote is the open quote of a multi-line """…""" or `…` value.
	quote     string
	quoteLine int
}

// scanINI finds the sections and keys of data and their lines. It reports
// what go-ini would reject or silently merge: lines that are not INI,
// duplicate sections and keys, and keys outside any section.
func scanINI(path string, data []byte) (*iniFile, error) {
	text := string(data)
	switch {
	case strings.HasPrefix(text, "\xef\xbb\xbf"):
		text = text[3:]
	case strings.HasPrefix(text, "\xfe\xff"), strings.HasPrefix(text, "\xff\xfe"):
		return nil, &Error{File: path, Msg: "the file is UTF-16", Fix: "save it as UTF-8"}
	}
	sc := &scanner{f: &iniFile{Path: path}, sections: map[string]int{}}
	for i, raw := range strings.SplitAfter(text, "\n") {
		if raw == "" {
			continue
		}
		if err := sc.line(i+1, raw); err != nil {
			return nil, err
		}
	}
	if sc.quote != "" {
		return nil, &Error{File: path, Line: sc.quoteLine, Msg: "the value's opening " + sc.quote + " is never closed",
			Fix: "close it with " + sc.quote}
	}
	return sc.f, nil
}

// line reads line n, raw, which ends with its "\n" unless it is the last.
func (sc *scanner) line(n int, raw string) error {
	if sc.quote != "" {
		if strings.Contains(raw, sc.quote) {
			sc.quote = ""
		}
		return nil
	}
	if sc.cont && strings.IndexByte(" \t\f", raw[0]) >= 0 {
		return nil // continues the value above
	}
	sc.cont = false
	t := strings.TrimLeftFunc(raw, unicode.IsSpace)
	switch {
	case t == "" || t[0] == '#' || t[0] == ';':
		return nil
	case t[0] == '[':
		return sc.section(n, t)
	}
	return sc.key(n, t)
}

func (sc *scanner) errorf(n int, fix, format string, args ...any) error {
	return &Error{File: sc.f.Path, Line: n, Msg: fmt.Sprintf(format, args...), Fix: fix}
}

// section reads a section header: the name runs to the last ']'.
func (sc *scanner) section(n int, t string) error {
	end := strings.LastIndexByte(t, ']')
	if end < 0 {
		return sc.errorf(n, "end the section header with ']'", "section header %s is not closed", strings.TrimSpace(t))
	}
	name := t[1:end]
	if name == "" {
		return sc.errorf(n, "write a name between the brackets", "empty section name []")
	}
	if first, dup := sc.sections[name]; dup {
		return sc.errorf(n, "rename one of them or merge their keys into one section",
			"section [%s] is defined twice, first at line %d", name, first)
	}
	sc.sections[name] = n
	sc.cur = &iniSection{Name: name, Line: n}
	sc.keys = map[string]int{}
	sc.f.Sections = append(sc.f.Sections, sc.cur)
	return nil
}

// key reads a key = value (or key: value) line.
func (sc *scanner) key(n int, t string) error {
	end := strings.IndexAny(t, "=:")
	switch {
	case end < 0:
		return sc.errorf(n, "write key = value, a [section] header, or a comment starting with # or ;",
			"line %q is not a key = value line", strings.TrimSpace(t))
	case t[0] == '"' || t[0] == '`':
		return sc.errorf(n, "write the key name without quotes", "quoted key name %s", strings.TrimSpace(t[:end]))
	}
	name := strings.ToLower(strings.TrimSpace(t[:end]))
	switch {
	case name == "":
		return sc.errorf(n, "write a key name before the '"+t[end:end+1]+"'", "line %q has no key name", strings.TrimSpace(t))
	case name == "-":
		return sc.errorf(n, "write a key name", "key name '-' is not supported")
	case sc.cur == nil:
		return sc.errorf(n, "put a [section] header above it", "key %s is outside any section", name)
	}
	if first, dup := sc.keys[name]; dup {
		return sc.errorf(n, "remove one of the two lines",
			"key %s is set twice in section [%s], first at line %d", name, sc.cur.Name, first)
	}
	sc.keys[name] = n
	sc.cur.Keys = append(sc.cur.Keys, iniKey{Name: name, Line: n})

	// A value opened with """ or ` ends at its closing quote, which may be
	// on a later line; any other value may continue on indented lines.
	v := strings.TrimLeftFunc(t[end+1:], unicode.IsSpace)
	switch {
	case len(v) > 3 && strings.HasPrefix(v, `"""`):
		if !strings.Contains(v[3:], `"""`) {
			sc.quote, sc.quoteLine = `"""`, n
		}
	case strings.HasPrefix(v, "`"):
		if !strings.Contains(v[1:], "`") {
			sc.quote, sc.quoteLine = "`", n
		}
	default:
		sc.cont = true
	}
	return nil
}
