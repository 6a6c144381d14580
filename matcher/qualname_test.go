package matcher

import "testing"

func TestSplitQualname(t *testing.T) {
	tests := []struct {
		qualname, class, method string
	}{
		{"checkout", "", "checkout"},
		{"Shop.checkout", "Shop", "checkout"},
		{"Outer.Inner.m", "Outer.Inner", "m"},
		{"f.<locals>.g", "", "g"},
		{"f.<locals>.C.m", "C", "m"},
		{"C.m.<locals>.D.n", "D", "n"},
		{"f.<locals>.g.<locals>.h", "", "h"},
		{"f.<locals>.<lambda>", "", "<lambda>"},
		{"C.m.<locals>.<genexpr>", "", "<genexpr>"},
		{"C.<lambda>", "C", "<lambda>"},
		{"<lambda>", "", "<lambda>"},
		{"<module>", "", "<module>"},
		{"Shop.__private", "Shop", "__private"},
		{"", "", ""},
	}
	for _, tt := range tests {
		class, method := SplitQualname(tt.qualname)
		if class != tt.class || method != tt.method {
			t.Errorf("SplitQualname(%q) = %q, %q; want %q, %q", tt.qualname, class, method, tt.class, tt.method)
		}
	}
}
