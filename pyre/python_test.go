package pyre

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// pythonScript answers a batch of questions with the real re module. Input
// (a JSON file named by argv[1]): {"search": [...], "sub": [...], "compile":
// [...], "template": [...]}; output: the same lists with answers.
const pythonScript = `
import json, re, sys, warnings
warnings.simplefilter("ignore")

def failure(e):
    if isinstance(e, re.error):
        return {"err": e.msg, "pos": e.pos}
    if isinstance(e, (IndexError, OverflowError, ValueError)):
        return {"err": e.args[0], "pos": None}
    return {"err": "%s: %s" % (type(e).__name__, e), "pos": None}

def run(f, c):
    try:
        return f(c)
    except Exception as e:
        return failure(e)

ops = {
    "search": lambda c: {"ok": re.search(c["pattern"], c["input"]) is not None},
    "sub": lambda c: {"out": re.sub(c["pattern"], c["repl"], c["input"])},
    "compile": lambda c: (re.compile(c["pattern"]), {})[1],
    "template": lambda c: (re.compile(c["pattern"]).sub(c["repl"], ""), {})[1],
}
with open(sys.argv[1], encoding="utf-8") as f:
    batch = json.load(f)
out = {k: [run(ops[k], c) for c in v] for k, v in batch.items()}
sys.stdout.write(json.dumps(out))
`

// pyAnswer is one answer of pythonScript.
type pyAnswer struct {
	OK  *bool   `json:"ok"`
	Out *string `json:"out"`
	Err *string `json:"err"`
	Pos *int    `json:"pos"`
}

func (a pyAnswer) String() string {
	switch {
	case a.Err != nil && a.Pos != nil:
		return fmt.Sprintf("error %q at %d", *a.Err, *a.Pos)
	case a.Err != nil:
		return fmt.Sprintf("error %q", *a.Err)
	case a.OK != nil:
		return fmt.Sprint(*a.OK)
	case a.Out != nil:
		return fmt.Sprintf("%q", *a.Out)
	}
	return "no error"
}

// pythons returns the interpreters to compare with: $PYRE_PYTHONS (a
// colon-separated list) or python3 from PATH. Without one the test is
// skipped, unless $CI is set (CI=true), where it fails.
func pythons(t *testing.T) []string {
	t.Helper()
	if list := os.Getenv("PYRE_PYTHONS"); list != "" {
		return strings.Split(list, ":")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("python3 is required in CI to check pyre against Python's re: %v", err)
		}
		t.Skipf("python3 not found (%v); set CI=true to make this a failure", err)
	}
	return []string{py}
}

// askPython runs pythonScript on batch and decodes its answers.
func askPython(t *testing.T, python string, batch map[string]any) map[string][]pyAnswer {
	t.Helper()
	data, err := json.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", pythonScript, file)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", python, err, stderr.String())
	}
	var answers map[string][]pyAnswer
	if err := json.Unmarshal(out, &answers); err != nil {
		t.Fatalf("decoding %s's answers: %v", python, err)
	}
	return answers
}

// sameError reports whether err is the error Python gave: same message,
// and same position when Python gives one.
func sameError(err error, a pyAnswer) bool {
	var e *Error
	if a.Err == nil || !errors.As(err, &e) || e.Msg != *a.Err {
		return false
	}
	return a.Pos == nil || e.Pos == *a.Pos
}

// TestAgainstPython checks that the tables agree with Python's re, so pyre
// is tested against real Python behaviour rather than against beliefs.
func TestAgainstPython(t *testing.T) {
	for _, python := range pythons(t) {
		t.Run(filepath.Base(python), func(t *testing.T) {
			answers := askPython(t, python, map[string]any{
				"search":   searchCases,
				"sub":      subCases,
				"compile":  errorCases,
				"template": templateErrorCases,
			})
			for i, c := range searchCases {
				if a := answers["search"][i]; a.OK == nil || *a.OK != c.Want {
					t.Errorf("Python: search(%q, %q) = %v, table says %v", c.Pattern, c.Input, a, c.Want)
				}
			}
			for i, c := range subCases {
				if a := answers["sub"][i]; a.Out == nil || *a.Out != c.Want {
					t.Errorf("Python: sub(%q, %q, %q) = %v, table says %q", c.Pattern, c.Repl, c.Input, a, c.Want)
				}
			}
			for i, c := range errorCases {
				a := answers["compile"][i]
				if a.Err == nil || *a.Err != c.Msg || !samePos(a.Pos, c.Pos) {
					t.Errorf("Python: compile(%q) = %v, table says %q at %d", c.Pattern, a, c.Msg, c.Pos)
				}
			}
			for i, c := range templateErrorCases {
				a := answers["template"][i]
				if a.Err == nil || *a.Err != c.Msg || !samePos(a.Pos, c.Pos) {
					t.Errorf("Python: template(%q, %q) = %v, table says %q at %d", c.Pattern, c.Repl, a, c.Msg, c.Pos)
				}
			}
		})
	}
}

func samePos(py *int, want int) bool {
	if py == nil {
		return want == -1
	}
	return *py == want
}

// TestRandomAgainstPython compares pyre with Python on generated patterns,
// inputs and templates, including invalid ones (same error and position).
func TestRandomAgainstPython(t *testing.T) {
	pys := pythons(t)
	seed, _ := strconv.ParseUint(os.Getenv("PYRE_RANDOM_SEED"), 10, 64)
	rng := rand.New(rand.NewPCG(1, seed))
	var searches []searchCase
	var subs []subCase
	n := 1500
	if v, err := strconv.Atoi(os.Getenv("PYRE_RANDOM_N")); err == nil {
		n = v // for longer bug hunts
	}
	for range n {
		p := randomPattern(rng)
		for range 3 {
			in := randomInput(rng)
			searches = append(searches, searchCase{Pattern: p, Input: in})
			subs = append(subs, subCase{Pattern: p, Repl: randomRepl(rng), Input: in})
		}
	}
	for _, python := range pys {
		t.Run(filepath.Base(python), func(t *testing.T) {
			answers := askPython(t, python, map[string]any{"search": searches, "sub": subs})
			fails := 0
			for i, c := range searches {
				a := answers["search"][i]
				re, err := Compile(c.Pattern)
				switch {
				case err != nil && !sameError(err, a):
					t.Errorf("Compile(%q) = %v; Python: %v", c.Pattern, err, a)
				case err == nil && a.OK == nil:
					t.Errorf("Compile(%q) succeeded; Python: %v", c.Pattern, a)
				case err == nil && re.MatchString(c.Input) != *a.OK:
					t.Errorf("search(%q, %q) = %v; Python: %v (regexp2: %s)", c.Pattern, c.Input, !*a.OK, *a.OK, re.Translated())
				default:
					continue
				}
				if fails++; fails > 20 {
					t.Fatal("too many differences")
				}
			}
			for i, c := range subs {
				a := answers["sub"][i]
				got, err := pySub(c)
				switch {
				case err != nil && !sameError(err, a):
					t.Errorf("sub(%q, %q): %v; Python: %v", c.Pattern, c.Repl, err, a)
				case err == nil && (a.Out == nil || *a.Out != got):
					t.Errorf("sub(%q, %q, %q) = %q; Python: %v", c.Pattern, c.Repl, c.Input, got, a)
				default:
					continue
				}
				if fails++; fails > 20 {
					t.Fatal("too many differences")
				}
			}
		})
	}
}

func pySub(c subCase) (string, error) {
	re, err := Compile(c.Pattern)
	if err != nil {
		return "", err
	}
	tmpl, err := re.CompileTemplate(c.Repl)
	if err != nil {
		return "", err
	}
	return re.Sub(c.Input, tmpl), nil
}

var fragments = []string{
	"a", "b", "ab", "A", "é", "É", ".", "x", "_", " ", "\n", "1", "ß", "K", "ſ", "İ", "-",
	"[ab]", "[^a]", "[a-c]", "[^\\w]", "[\\W\\d]", "[]a]", "[\\s]", "[A-Z]", "[ß-ſ]", "[^\\WA]",
	"[\\w-]", "[a\\-z]", "[\\x00-\\U0010ffff]", "[\\S\\n]", "[^\\D]",
	"\\d", "\\w", "\\s", "\\W", "\\S", "\\D", "\\b", "\\B", "^", "$", "\\A", "\\Z",
	"(a|b)", "(?:a|)", "(a*)", "(?=a)", "(?!b)", "(?<=a)", "(?<!b)", "(?<=ab|ba)", "(?<=\\1)",
	"(?P<n>a)", "(?P=n)", "\\1", "\\2", "(?(1)a|b)", "(?(n)x)", "(?>a+)", "(?i:a)", "(?i:[a-z])",
	"(?-i:A)", "(?s:.)", "(?a:\\w)", "(?u:\\W)", "(?a:\\W)", "(?m:^)", "(?m:$)", "(?x: a )", "(\\w|-)",
	"*", "+", "?", "*?", "+?", "??", "*+", "{2}", "{1,2}", "{,2}", "{2,}", "{", "}", "{0}",
	"(", ")", "|", "[", "]", "\\", "\\q", "(?", "(?P<", "\\x41", "\\101", "\\0", "\\n", "#",
}

var prefixes = []string{"", "", "", "(?i)", "(?m)", "(?s)", "(?a)", "(?x)", "(?ims)", "(?ai)"}

// randomPattern returns either a concatenation of fragments (often invalid,
// to compare errors) or a random nested pattern (to compare matching).
func randomPattern(rng *rand.Rand) string {
	var b strings.Builder
	b.WriteString(prefixes[rng.IntN(len(prefixes))])
	if rng.IntN(2) == 0 {
		writeTree(&b, rng, 3)
		return b.String()
	}
	for range 1 + rng.IntN(5) {
		b.WriteString(fragments[rng.IntN(len(fragments))])
	}
	return b.String()
}

var (
	atoms      = []string{"a", "b", "A", "é", "ß", ".", "\\w", "\\W", "\\s", "[ab]", "[^a]", "\\b", "$", "^", "\\1", "\\2", "(?P=n)", "\\n", "x?"}
	quantifier = []string{"", "", "", "*", "+", "?", "*?", "+?", "??", "{2}", "{0,2}", "{1,}?", "*+", "?+"}
	groupOpen  = []string{"(", "(?:", "(?=", "(?!", "(?<=", "(?<!", "(?P<n>", "(?>", "(?i:", "(?s:", "(?m:", "(?a:", "(?(1)"}
)

func writeTree(b *strings.Builder, rng *rand.Rand, depth int) {
	for i := range 1 + rng.IntN(3) {
		if i > 0 && rng.IntN(5) == 0 {
			b.WriteByte('|')
		}
		if depth > 0 && rng.IntN(3) == 0 {
			b.WriteString(groupOpen[rng.IntN(len(groupOpen))])
			writeTree(b, rng, depth-1)
			b.WriteByte(')')
		} else {
			b.WriteString(atoms[rng.IntN(len(atoms))])
		}
		b.WriteString(quantifier[rng.IntN(len(quantifier))])
	}
}

func randomInput(rng *rand.Rand) string {
	const alphabet = "aAbBxé1_ \n-ßſKİı"
	runes := []rune(alphabet)
	var b strings.Builder
	for range rng.IntN(7) {
		b.WriteRune(runes[rng.IntN(len(runes))])
	}
	return b.String()
}

var repls = []string{"-", "", "<\\g<0>>", "[\\1]", "\\g<n>", "\\n", "\\&", "$1", "\\2\\1", "\\g<1>0",
	"\\g<2>", "\\01", "\\1\\", "\\g<x>", "\\q", "é\\g<0>é"}

func randomRepl(rng *rand.Rand) string { return repls[rng.IntN(len(repls))] }

// TestCaseFixesAgainstPython checks extraCases against re._casefix.
func TestCaseFixesAgainstPython(t *testing.T) {
	for _, python := range pythons(t) {
		out, err := exec.Command(python, "-c",
			`import json; from re._casefix import _EXTRA_CASES as E; print(json.dumps(sorted([k, *v] for k, v in E.items())))`).Output()
		if err != nil {
			t.Skipf("%s has no re._casefix (older than 3.11): %v", python, err)
		}
		var want [][]rune
		if err := json.Unmarshal(out, &want); err != nil {
			t.Fatal(err)
		}
		fixes := folds().fixes
		if len(fixes) != len(want) {
			t.Errorf("%d letters with extra cases, Python has %d", len(fixes), len(want))
		}
		for _, w := range want {
			got := fixes[w[0]]
			if fmt.Sprint(got) != fmt.Sprint(w[1:]) {
				t.Errorf("extra cases of %U = %U, Python: %U", w[0], got, w[1:])
			}
		}
	}
}

// TestCasingAgainstPython checks isCased and the lowercase mapping, the
// basis of IGNORECASE, against sre's for every code point. Differences can
// only come from differing Unicode versions; Go 1.26 and Python 3.11 to
// 3.13 agree on all of them.
func TestCasingAgainstPython(t *testing.T) {
	for _, python := range pythons(t) {
		out, err := exec.Command(python, "-c", `
import _sre, json
cased = [c for c in range(0x110000) if _sre.unicode_iscased(c)]
lower = {c: _sre.unicode_tolower(c) for c in cased if _sre.unicode_tolower(c) != c}
print(json.dumps({"cased": cased, "lower": lower}))`).Output()
		if err != nil {
			t.Fatalf("%s: %v", python, err)
		}
		var py struct {
			Cased []rune
			Lower map[string]rune
		}
		if err := json.Unmarshal(out, &py); err != nil {
			t.Fatal(err)
		}
		cased := map[rune]bool{}
		for _, r := range py.Cased {
			cased[r] = true
		}
		bad := 0
		for r := rune(0); r <= unicode.MaxRune && bad < 10; r++ {
			want, ok := py.Lower[strconv.Itoa(int(r))]
			if !ok {
				want = r
			}
			if isCased(r) != cased[r] || unicode.ToLower(r) != want {
				t.Errorf("%U: cased %v lower %U; Python: cased %v lower %U", r, isCased(r), unicode.ToLower(r), cased[r], want)
				bad++
			}
		}
	}
}
