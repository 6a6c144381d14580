package conf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// includeSection is the special section whose values name points files to
// include (the guide's chapter 5).
const includeSection = "IncludePoints"

// LoadPoints reads the points file at path and the files it includes, and
// returns its points in the order written. The points of an included file take
// the place of the [IncludePoints] section that names it, each file in the
// order of its keys; include paths are relative to the directory of the file
// that names them, so nested includes are relative to their own file. A file
// included a second time (not in a cycle) is read once, with a warning; an
// include cycle is an error at the include that closes it.
//
// Every error names file:line and the fix; unknown keys in a point are sent
// to warn (which may be nil).
func LoadPoints(path string, warn Warner) ([]*Point, error) {
	l := &pointLoader{warn: warn, loaded: map[string]location{}, names: map[string]*Point{}}
	if err := l.load(path, location{}); err != nil {
		return nil, err
	}
	return l.points, nil
}

// pointLoader reads a points file and its includes.
type pointLoader struct {
	warn   Warner
	points []*Point
	// stack holds the files being read, outermost first, as absolute paths
	// and as shown in messages.
	stack, shown []string
	loaded       map[string]location // absolute path -> the include that read it
	names        map[string]*Point   // point name -> first point of that name
}

// load reads the file at path; from is the include naming it, if any.
func (l *pointLoader) load(path string, from location) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return &Error{File: path, Msg: fmt.Sprintf("cannot resolve the path: %v", err)}
	}
	f, err := readINI(path)
	if err != nil {
		return err
	}
	l.loaded[abs] = from
	l.stack, l.shown = append(l.stack, abs), append(l.shown, path)
	defer func() { l.stack, l.shown = l.stack[:len(l.stack)-1], l.shown[:len(l.shown)-1] }()
	for _, s := range f.Sections {
		if s.Name == includeSection {
			for _, k := range s.Keys {
				if err := l.include(f.Path, k); err != nil {
					return err
				}
			}
			continue
		}
		p, err := pointFrom(f.Path, s, l.warn)
		if err != nil {
			return err
		}
		if q, dup := l.names[p.Name]; dup {
			l.warn.send(&Error{File: p.File, Line: p.Line,
				Msg: fmt.Sprintf("point [%s] is also defined at %s:%d; both are used", p.Name, q.File, q.Line),
				Fix: "rename one of them so that messages and reports tell them apart"})
		} else {
			l.names[p.Name] = p
		}
		l.points = append(l.points, p)
	}
	return nil
}

// include reads the points file named by key k of [IncludePoints] in file.
func (l *pointLoader) include(file string, k iniKey) error {
	dir := filepath.Dir(file)
	at := location{file: file, line: k.Line}
	if k.Value == "" {
		return &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("[%s] %s is empty", includeSection, k.Name),
			Fix: "write the path of a points file, relative to " + dir}
	}
	target := filepath.FromSlash(k.Value)
	if !filepath.IsAbs(target) {
		target = filepath.Join(dir, target)
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return &Error{File: file, Line: k.Line, Msg: fmt.Sprintf("cannot resolve include %s: %v", k.Value, err)}
	}
	for i, open := range l.stack {
		if open == abs {
			chain := append(append([]string{}, l.shown[i:]...), target)
			return &Error{File: file, Line: k.Line,
				Msg: fmt.Sprintf("include %s closes a cycle: %s", k.Value, strings.Join(chain, " -> ")),
				Fix: "remove this include or the one that leads back here"}
		}
	}
	if prev, ok := l.loaded[abs]; ok {
		where := "as the main points file"
		if prev.file != "" {
			where = fmt.Sprintf("at %s:%d", prev.file, prev.line)
		}
		l.warn.send(&Error{File: file, Line: k.Line,
			Msg: fmt.Sprintf("%s is already included %s; its points are read once", target, where),
			Fix: "remove one of the includes"})
		return nil
	}
	st, err := os.Stat(target)
	if err == nil && st.IsDir() {
		err = errors.New("it is a directory")
	}
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return &Error{File: file, Line: k.Line,
			Msg: fmt.Sprintf("cannot read included points file %s (%s): %v", k.Value, target, err),
			Fix: "include paths are relative to the directory of the including file, " + dir}
	}
	return l.load(target, at)
}
