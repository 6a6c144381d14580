package conf

import (
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
)

var updateDocs = flag.Bool("update", false, "rewrite the generated key tables of docs/configuration.md")

const (
	docsPath   = "../docs/configuration.md"
	docsBegin  = "<!-- BEGIN GENERATED KEYS: go test ./conf -run TestConfigurationDoc -update -->\n"
	docsEnd    = "<!-- END GENERATED KEYS -->\n"
	docsAdded  = " *(added)*"
	docsChosen = " *(ours)*"
)

// keyTables renders Keys() as one Markdown table per namespace.
func keyTables() string {
	var b strings.Builder
	cell := strings.NewReplacer("|", `\|`, "\n", " ")
	ns := ""
	for _, k := range Keys() {
		if k.Namespace != ns {
			ns = k.Namespace
			b.WriteString("\n### [" + ns + "]\n\n| key | type | default | meaning |\n|---|---|---|---|\n")
		}
		key := "`" + k.Key + "`"
		if k.Added {
			key += docsAdded
		}
		def := "(empty)"
		if k.Default != "" {
			def = "`" + k.Default + "`"
		}
		if !k.GuideDefault && k.Default != "" {
			def += docsChosen
		}
		b.WriteString("| " + key + " | " + cell.Replace(k.Type) + " | " + def + " | " + cell.Replace(k.Doc) + " |\n")
	}
	b.WriteString("\n")
	return b.String()
}

// TestConfigurationDoc keeps the key tables of docs/configuration.md equal
// to the keys conf knows, with their defaults.
func TestConfigurationDoc(t *testing.T) {
	data, err := os.ReadFile(docsPath)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	i, j := strings.Index(doc, docsBegin), strings.Index(doc, docsEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q and %q", docsPath, docsBegin, docsEnd)
	}
	want := keyTables()
	if got := doc[i+len(docsBegin) : j]; got != want {
		if !*updateDocs {
			t.Fatalf("%s is out of date; run go test ./conf -run TestConfigurationDoc -update", docsPath)
		}
		doc = doc[:i+len(docsBegin)] + want + doc[j:]
		if err := os.WriteFile(docsPath, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestKeysCoverConfig checks that every field of Config is some key's, so
// that nothing escapes the defaults and the documentation.
func TestKeysCoverConfig(t *testing.T) {
	seen := map[any]string{}
	c := &Config{}
	for _, s := range keySpecs {
		p := s.field(c)
		if prev, dup := seen[p]; dup {
			t.Errorf("%s and %s share a field", prev, s.key)
		}
		seen[p] = s.ns + "/" + s.key
	}
	// Config has 4 typed namespaces; count their fields.
	n := countFields(c.Mediator) + countFields(c.Logging) + countFields(c.Probe) + countFields(c.SystemMetricsCollector)
	if n != len(keySpecs) {
		t.Errorf("Config has %d fields in its namespaces, keySpecs %d keys", n, len(keySpecs))
	}
}

func countFields(v any) int { return reflect.TypeOf(v).NumField() }
