package conf

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hpdiag/hpdiag-trace/pyre"
)

// pointKeys are the arguments of a point, with what the fix of a missing
// one says to write.
var pointKeys = [...]struct{ key, example string }{
	{"module", "module = <Python regular expression of the module name>"},
	{"class", ""},
	{"method", "method = <Python regular expression of the method or function name, .* for all>"},
	{"layer", "layer = <name of the layer>"},
	{"layer_type", ""},
	{"detail", ""},
}

// layerTypes are the values of layer_type, the default first.
var layerTypes = []string{string(LayerMethod), string(LayerTrendedMethod), string(LayerPortlet), string(LayerSQL)}

// pointFrom builds the point of section s of the points file at path.
func pointFrom(path string, s *iniSection, warn Warner) (*Point, error) {
	p := &Point{Name: s.Name, File: path, Line: s.Line, LayerType: LayerMethod}
	seen := map[string]bool{}
	for _, k := range s.Keys {
		loc := location{file: path, line: k.Line}
		fail := func(pr *problem) error { return loc.errorAt(s.Name, k.Name, k.Value, pr) }
		seen[k.Name] = true
		switch k.Name {
		case "module", "class", "method":
			re, pr := compilePointRegex(k)
			if pr != nil {
				return nil, fail(pr)
			}
			switch k.Name {
			case "module":
				p.Module = re
			case "class":
				p.Class = re
			default:
				p.Method = re
			}
		case "layer":
			if k.Value == "" {
				return nil, fail(&problem{msg: "the layer is empty", fix: "write the name of the layer, e.g. layer = Database"})
			}
			p.Layer = k.Value
		case "layer_type":
			lt, pr := parseEnum(k.Value, layerTypes)
			if pr != nil {
				return nil, fail(pr)
			}
			p.LayerType = LayerType(lt)
		case "detail":
			d, pr := parseDetail(k.Value)
			if pr != nil {
				return nil, fail(pr)
			}
			p.Detail = d
		default:
			warn.send(unknownPointKey(path, s.Name, k))
		}
	}
	for _, pk := range pointKeys {
		if pk.example != "" && !seen[pk.key] {
			return nil, &Error{File: path, Line: s.Line,
				Msg: fmt.Sprintf("point [%s] has no %s, which is mandatory", s.Name, pk.key),
				Fix: "add a line " + pk.example + " to the section"}
		}
	}
	return p, nil
}

// compilePointRegex compiles module, class or method.
func compilePointRegex(k iniKey) (*pyre.Regexp, *problem) {
	if k.Value == "" {
		fix := "write a Python regular expression; .* matches every name"
		if k.Name == "class" {
			fix = "remove the line to select module functions, or write .* for the methods of every class"
		}
		return nil, &problem{msg: "the regular expression is empty", fix: fix}
	}
	re, err := pyre.Compile(k.Value)
	if err != nil {
		return nil, &problem{msg: fmt.Sprintf("not a valid Python regular expression: %v", err),
			fix: `correct the regular expression; escape characters meant literally with a backslash, e.g. \. \( \[`}
	}
	return re, nil
}

// unknownPointKey explains a key a point does not have.
func unknownPointKey(path, point string, k iniKey) *Error {
	e := &Error{File: path, Line: k.Line, Msg: fmt.Sprintf("unknown key %s in point [%s]; it is ignored", k.Name, point)}
	var known []string
	for _, pk := range pointKeys {
		known = append(known, pk.key)
		if editDistance(pk.key, k.Name) <= 2 && e.Fix == "" {
			e.Fix = "did you mean " + pk.key + "?"
		}
	}
	if k.Name == "clazz" {
		e.Fix = "in a points file the key is class (clazz is the decorators' spelling)"
	}
	if e.Fix == "" {
		e.Fix = "the keys of a point are " + strings.Join(known, ", ")
	}
	return e
}

// detailFlags are the detail items without an argument.
var detailFlags = [...]string{"is_sql_statement", "inbound", "outbound", "method_trim", "method_no_trim", "no_layer_recurse"}

// detailItems lists every detail item, for fixes.
const detailItems = "before:code:<name>, after:code:<name>, args:name, args:<n> (0–254), is_sql_statement, inbound, outbound, method_trim, method_no_trim, no_layer_recurse"

// parseDetail reads a point's comma-separated detail list. Empty items are
// skipped; keywords are matched regardless of case.
func parseDetail(v string) (Detail, *problem) {
	var d Detail
	flags := map[string]*bool{
		"is_sql_statement": &d.IsSQLStatement, "inbound": &d.Inbound, "outbound": &d.Outbound,
		"method_trim": &d.MethodTrim, "method_no_trim": &d.MethodNoTrim, "no_layer_recurse": &d.NoLayerRecurse,
	}
	seenArgs := map[ArgSpec]bool{}
	for _, raw := range strings.Split(v, ",") {
		item := strings.TrimSpace(raw)
		low := strings.ToLower(item)
		switch {
		case item == "":
		case flags[low] != nil:
			*flags[low] = true
		case strings.HasPrefix(low, "before:code:"), strings.HasPrefix(low, "after:code:"):
			if pr := setCode(&d, item); pr != nil {
				return Detail{}, pr
			}
		case strings.HasPrefix(low, "args:"):
			a, pr := parseArg(item)
			if pr != nil {
				return Detail{}, pr
			}
			if seenArgs[a] {
				return Detail{}, &problem{msg: fmt.Sprintf("%s is given twice", item), fix: "remove one of them"}
			}
			seenArgs[a] = true
			d.Args = append(d.Args, a)
		default:
			return Detail{}, unknownDetail(item)
		}
	}
	if d.MethodTrim && d.MethodNoTrim {
		return Detail{}, &problem{msg: "method_trim and method_no_trim contradict each other",
			fix: "keep method_trim to never report the method, or method_no_trim to never trim it on latency"}
	}
	return d, nil
}

// setCode reads before:code:<name> or after:code:<name>.
func setCode(d *Detail, item string) *problem {
	when, rest, _ := strings.Cut(item, ":")
	_, name, _ := strings.Cut(rest, ":")
	when, name = strings.ToLower(when), strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t:") {
		return &problem{msg: fmt.Sprintf("%s does not name custom code", item),
			fix: fmt.Sprintf("write %s:code:<name of the custom code file>, e.g. %s:code:httpconnection_outbound", when, when)}
	}
	field := &d.BeforeCode
	if when == "after" {
		field = &d.AfterCode
	}
	if *field != "" {
		return &problem{msg: fmt.Sprintf("%s:code is given twice (%s and %s)", when, *field, name),
			fix: "keep one " + when + ":code item; one custom code file can do both jobs"}
	}
	*field = name
	return nil
}

// parseArg reads args:name or args:<n>.
func parseArg(item string) (ArgSpec, *problem) {
	arg := strings.TrimSpace(item[len("args:"):])
	if strings.EqualFold(arg, "name") {
		return ArgSpec{Index: -1, Name: true}, nil
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n < 0 || n > 254 {
		return ArgSpec{}, &problem{msg: fmt.Sprintf("%s is not args:name or args:<n> with n from 0 to 254", item),
			fix: "write args:0 for the first argument, args:1 for the second, ... or args:name for the instance the method was called on"}
	}
	return ArgSpec{Index: n}, nil
}

// unknownDetail explains an unknown detail item, suggesting a near one.
func unknownDetail(item string) *problem {
	pr := &problem{msg: fmt.Sprintf("unknown detail item %s", item), fix: "use " + detailItems}
	word := strings.ToLower(item)
	if i := strings.IndexByte(word, ':'); i >= 0 {
		word = word[:i]
	}
	for _, f := range append(detailFlags[:], "args", "before", "after") {
		if editDistance(f, word) <= 2 {
			pr.fix = "did you mean " + f + "? The detail items are " + detailItems
			break
		}
	}
	return pr
}
