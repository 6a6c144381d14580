package loader

import (
	"testing"

	"github.com/hpdiag/hpdiag-trace/pyframes"
)

// TestCodeDealloc finds code_dealloc through PyCode_Type.tp_dealloc in
// every installed interpreter and, where the file still names the static
// function (unstripped builds), checks that it is the same address.
func TestCodeDealloc(t *testing.T) {
	found := 0
	for _, ti := range testInterpreters() {
		if !ti.hasEval || ti.minor < 8 {
			continue
		}
		interp, err := FindForCommand(ti.exe, nil)
		if err != nil {
			t.Fatalf("%s: %v", ti.exe, err)
		}
		layout, err := pyframes.For(pyframes.Version{Major: interp.Version.Major, Minor: interp.Version.Minor})
		if err != nil {
			continue
		}
		addr, err := codeDealloc(interp, layout.Object.TpName+tpDeallocAfterName)
		if err != nil {
			t.Errorf("%s: %v", interp, err)
			continue
		}
		e, err := openELF(interp.Path)
		if err != nil {
			t.Fatal(err)
		}
		named := e.symbols([]string{"code_dealloc"})
		e.Close()
		if s, ok := named["code_dealloc"]; ok {
			found++
			if s.Value != addr {
				t.Errorf("%s: tp_dealloc gives %#x, the symbol table says code_dealloc is at %#x", interp, addr, s.Value)
			}
		}
		t.Logf("%s: code_dealloc at %#x (named: %v)", interp, addr, named["code_dealloc"].Value != 0)
	}
	if found == 0 {
		t.Log("no interpreter names code_dealloc: only the tp_dealloc reading was checked")
	}
}
