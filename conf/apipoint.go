package conf

import (
	"fmt"
	"strings"
)

// PointArg is one keyword argument of a point created in code by the
// pyprobe API (the decorators func_point, method_point, class_point and
// PointList), as the shim sends it: the key as written, the value as str().
type PointArg struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// PointFromArgs builds a point created in code. The arguments are those of
// a points file section (module, class, method, layer, layer_type, detail),
// with two spellings of the guide's chapter 3 accepted as well: clazz for
// class, and args = "0" (or "name", or "0,2") for detail items args:0 ….
// file and line say where the point was created (the decorated function's
// file and line) and appear in every error, as a points file's would.
func PointFromArgs(name string, args []PointArg, file string, line int, warn Warner) (*Point, error) {
	s := &iniSection{Name: name, Line: line}
	var extra []string
	detail := -1
	for _, a := range args {
		key := strings.ToLower(strings.TrimSpace(a.Key))
		switch key {
		case "clazz":
			key = "class"
		case "args":
			for _, item := range strings.Split(a.Value, ",") {
				if item = strings.TrimSpace(item); item != "" {
					extra = append(extra, "args:"+item)
				}
			}
			continue
		}
		if key == "detail" {
			detail = len(s.Keys)
		}
		s.Keys = append(s.Keys, iniKey{Name: key, Value: strings.TrimSpace(a.Value), Line: line})
	}
	if len(extra) > 0 {
		if detail < 0 {
			s.Keys = append(s.Keys, iniKey{Name: "detail", Value: strings.Join(extra, ", "), Line: line})
		} else {
			k := &s.Keys[detail]
			k.Value = strings.Join(append([]string{k.Value}, extra...), ", ")
		}
	}
	p, err := pointFrom(file, s, warn)
	if err != nil {
		return nil, fmt.Errorf("pyprobe point %s: %w", name, err)
	}
	return p, nil
}
