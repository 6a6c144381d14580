package conf

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestLoadPointsIncludes reads a tree of points files: includes in the
// middle of a file, a nested include relative to its own file (sub/a.point
// includes ../common/b.point), and a file included twice.
func TestLoadPointsIncludes(t *testing.T) {
	warn, warnings := collect()
	points, err := LoadPoints("testdata/points/main.point", warn)
	if err != nil {
		t.Fatal(err)
	}
	type where struct {
		name, file string
		line       int
	}
	want := []where{
		{"first", "testdata/points/main.point", 2},
		{"a1", "testdata/points/sub/a.point", 1},
		{"b1", "testdata/points/common/b.point", 1},
		{"c1", "testdata/points/other/c.point", 1},
		{"last", "testdata/points/main.point", 11},
	}
	var got []where
	for _, p := range points {
		got = append(got, where{p.Name, p.File, p.Line})
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("points\n%v\nwant\n%v", got, want)
	}
	if len(*warnings) != 1 {
		t.Fatalf("warnings %v, want one for the second include of b.point", *warnings)
	}
	checkError(t, (*warnings)[0], "testdata/points/other/c.point", 8, "remove one of the includes",
		"testdata/points/common/b.point is already included at testdata/points/sub/a.point:7")

	last := points[4]
	if last.Module.String() != `^app\.views$` || last.Class.String() != "View" || last.Method.String() != "^(get|post)$" {
		t.Errorf("regexes %v %v %v", last.Module, last.Class, last.Method)
	}
	if !last.Method.MatchString("get") || last.Method.MatchString("gets") || !last.Module.MatchString("app.views") {
		t.Error("regexes do not match as Python's re.search")
	}
	if last.Layer != "Web" || last.LayerType != LayerPortlet {
		t.Errorf("layer %q type %q", last.Layer, last.LayerType)
	}
	wantDetail := Detail{Inbound: true, Args: []ArgSpec{{Index: 1}, {Index: -1, Name: true}}, BeforeCode: "httpin"}
	if !reflect.DeepEqual(last.Detail, wantDetail) {
		t.Errorf("detail %+v, want %+v", last.Detail, wantDetail)
	}
	if points[0].Class != nil || points[0].LayerType != LayerMethod || !reflect.DeepEqual(points[0].Detail, Detail{}) {
		t.Errorf("defaults of a point: class %v, layer_type %q, detail %+v", points[0].Class, points[0].LayerType, points[0].Detail)
	}
	if b := points[2]; b.LayerType != LayerSQL || !b.Detail.IsSQLStatement || !b.Detail.MethodNoTrim {
		t.Errorf("b1: %+v", b)
	}
	wantC := Detail{Outbound: true, AfterCode: "out", MethodTrim: true, NoLayerRecurse: true}
	if !reflect.DeepEqual(points[3].Detail, wantC) {
		t.Errorf("c1 detail %+v, want %+v", points[3].Detail, wantC)
	}
}

func TestLoadPointsIncludeErrors(t *testing.T) {
	tests := []struct {
		path, file string
		line       int
		fix        string
		msg        []string
	}{
		{"testdata/points/cycle/a.point", "testdata/points/cycle/b.point", 7, "remove this include",
			[]string{"include a.point closes a cycle: testdata/points/cycle/a.point -> testdata/points/cycle/b.point -> testdata/points/cycle/a.point"}},
		{"testdata/points/cycle/self.point", "testdata/points/cycle/self.point", 2, "remove this include",
			[]string{"closes a cycle: testdata/points/cycle/self.point -> testdata/points/cycle/self.point"}},
		{"testdata/points/missing.point", "testdata/points/missing.point", 7, "relative to the directory of the including file, testdata/points",
			[]string{"does/not/exist.point", "no such file"}},
		{"testdata/points/includedir.point", "testdata/points/includedir.point", 2, "relative to the directory of the including file",
			[]string{"cannot read included points file sub", "it is a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := LoadPoints(tt.path, nil)
			wantError(t, err, tt.file, tt.line, tt.fix, tt.msg...)
		})
	}
}

// TestLoadPointsErrors checks every mistake a point can hold: the error is
// at the line of the key (or of the section for a missing key), quotes the
// value and says what to write.
func TestLoadPointsErrors(t *testing.T) {
	const ok = "module = m\nmethod = f\nlayer = L\n"
	tests := []struct {
		name, text string
		line       int
		fix        string
		msg        []string
	}{
		{"bad module", "[p]\nmodule = app(\nmethod = f\nlayer = L\n", 2, `escape characters meant literally`,
			[]string{"[p] module = app(", "not a valid Python regular expression", "missing )"}},
		{"bad class", "[p]\n" + ok + "class = [A-\n", 5, `\[`, []string{"class = [A-", "not a valid Python regular expression"}},
		{"bad method", "# c\n[p]\nmodule = m\nmethod = *f\nlayer = L\n", 4, "escape", []string{"method = *f", "nothing to repeat"}},
		{"no module", "[p]\nmethod = f\nlayer = L\n", 1, "add a line module = ", []string{"point [p] has no module"}},
		{"no method", "[a]\n" + ok + "\n[p]\nmodule = m\nlayer = L\n", 6, "add a line method = ", []string{"point [p] has no method"}},
		{"no layer", "[p]\nmodule = m\nmethod = f\n", 1, "add a line layer = ", []string{"point [p] has no layer"}},
		{"empty layer", "[p]\nmodule = m\nmethod = f\nlayer =\n", 4, "layer = Database", []string{"the layer is empty"}},
		{"empty module", "[p]\nmodule =\nmethod = f\nlayer = L\n", 2, ".* matches every name", []string{"empty"}},
		{"empty class", "[p]\n" + ok + "class =\n", 5, "remove the line to select module functions", []string{"empty"}},
		{"layer_type", "[p]\n" + ok + "layer_type = Trended\n", 5, "method, trended_method, portlet, sql", []string{"layer_type = Trended"}},
		{"unknown detail", "[p]\n" + ok + "detail = inbound, argz:1\n", 5, "args:<n> (0–254)", []string{"unknown detail item argz:1"}},
		{"near detail", "[p]\n" + ok + "detail = is_sql_statment\n", 5, "did you mean is_sql_statement?", []string{"is_sql_statment"}},
		{"args range", "[p]\n" + ok + "detail = args:255\n", 5, "args:0 for the first argument", []string{"args:255 is not args:name or args:<n> with n from 0 to 254"}},
		{"args negative", "[p]\n" + ok + "detail = args:-1\n", 5, "args:0", []string{"args:-1"}},
		{"args word", "[p]\n" + ok + "detail = args:self\n", 5, "args:name", []string{"args:self"}},
		{"args twice", "[p]\n" + ok + "detail = args:1,args:1\n", 5, "remove one", []string{"args:1 is given twice"}},
		{"code name", "[p]\n" + ok + "detail = before:code:\n", 5, "before:code:httpconnection_outbound", []string{"before:code: does not name custom code"}},
		{"code twice", "[p]\n" + ok + "detail = after:code:a,after:code:b\n", 5, "keep one after:code", []string{"after:code is given twice (a and b)"}},
		{"trim both", "[p]\n" + ok + "detail = method_trim,method_no_trim\n", 5, "keep method_trim", []string{"contradict"}},
		{"duplicate point", "[p]\n" + ok + "[q]\n" + ok + "[p]\n" + ok, 9, "rename one of them", []string{"section [p] is defined twice, first at line 1"}},
		{"duplicate key", "[p]\n" + ok + "method = g\n", 5, "remove one", []string{"method is set twice in section [p], first at line 3"}},
		{"empty include", "[IncludePoints]\n1 =\n", 2, "write the path of a points file", []string{"[IncludePoints] 1 is empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeTemp(t, "app.point", tt.text)
			points, err := LoadPoints(path, nil)
			if err == nil {
				t.Fatalf("no error; %d points", len(points))
			}
			wantError(t, err, path, tt.line, tt.fix, tt.msg...)
		})
	}
}

func TestLoadPointsWarnings(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("inc.point", "[p]\nmodule = x\nmethod = y\nlayer = L\n")
	main := write("main.point", "[p]\nmodule = m\nclazz = C\nmethod = f\nlayer = L\nlayers = X\nfoo = 1\n\n[IncludePoints]\n1 = inc.point\n")
	warn, warnings := collect()
	points, err := LoadPoints(main, warn)
	if err != nil {
		t.Fatal(err)
	}
	if len(points) != 2 {
		t.Errorf("%d points, want 2", len(points))
	}
	want := []struct {
		file     string
		line     int
		msg, fix string
	}{
		{main, 3, "unknown key clazz in point [p]", "the key is class"},
		{main, 6, "unknown key layers in point [p]", "did you mean layer?"},
		{main, 7, "unknown key foo in point [p]", "the keys of a point are module, class, method, layer, layer_type, detail"},
		{filepath.Join(dir, "inc.point"), 1, fmt.Sprintf("point [p] is also defined at %s:1", main), "rename one"},
	}
	if len(*warnings) != len(want) {
		t.Fatalf("warnings %v, want %d", *warnings, len(want))
	}
	for i, w := range want {
		checkError(t, (*warnings)[i], w.file, w.line, w.fix, w.msg)
	}
}

func TestLoadPointsMissingFile(t *testing.T) {
	_, err := LoadPoints("testdata/points/none.point", nil)
	if err == nil || !strings.HasPrefix(err.Error(), "testdata/points/none.point: cannot read the file") {
		t.Errorf("got %v", err)
	}
}

func TestParseDetail(t *testing.T) {
	tests := []struct {
		value string
		want  Detail
	}{
		{"", Detail{}},
		{"before:code:httpconnection_outbound,outbound", Detail{BeforeCode: "httpconnection_outbound", Outbound: true}},
		{" Inbound , IS_SQL_STATEMENT ,, no_layer_recurse,", Detail{Inbound: true, IsSQLStatement: true, NoLayerRecurse: true}},
		{"args:0,args:254,args:Name", Detail{Args: []ArgSpec{{Index: 0}, {Index: 254}, {Index: -1, Name: true}}}},
		{"after:code:sub.custom, before:code:pre", Detail{AfterCode: "sub.custom", BeforeCode: "pre"}},
		{"method_trim", Detail{MethodTrim: true}},
		{"method_no_trim", Detail{MethodNoTrim: true}},
	}
	for _, tt := range tests {
		got, p := parseDetail(tt.value)
		if p != nil {
			t.Errorf("%q: %s", tt.value, p.msg)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q: %+v, want %+v", tt.value, got, tt.want)
		}
	}
}
