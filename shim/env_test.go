package shim

import (
	"reflect"
	"testing"
)

func TestShimEnv(t *testing.T) {
	const dir, addr, token = "/tmp/shim", "127.0.0.1:4242", "tok"
	tests := []struct {
		name     string
		base     []string
		foldCase bool
		want     []string
	}{
		{
			name: "no PYTHONPATH",
			base: []string{"HOME=/root", "LANG=C"},
			want: []string{"HOME=/root", "LANG=C", "PYTHONPATH=/tmp/shim", "HPDIAG_SHIM_ADDR=" + addr, "HPDIAG_SHIM_TOKEN=" + token},
		},
		{
			name: "PYTHONPATH kept behind the shim and remembered",
			base: []string{"PYTHONPATH=/app/lib:/x", "HOME=/root"},
			want: []string{"HOME=/root", "PYTHONPATH=/tmp/shim:/app/lib:/x", "HPDIAG_SHIM_ADDR=" + addr, "HPDIAG_SHIM_TOKEN=" + token, "HPDIAG_SHIM_PYTHONPATH=/app/lib:/x"},
		},
		{
			name: "empty PYTHONPATH is remembered as set",
			base: []string{"PYTHONPATH="},
			want: []string{"PYTHONPATH=/tmp/shim", "HPDIAG_SHIM_ADDR=" + addr, "HPDIAG_SHIM_TOKEN=" + token, "HPDIAG_SHIM_PYTHONPATH="},
		},
		{
			name: "the last PYTHONPATH wins, as in os/exec",
			base: []string{"PYTHONPATH=/a", "PYTHONPATH=/b"},
			want: []string{"PYTHONPATH=/tmp/shim:/b", "HPDIAG_SHIM_ADDR=" + addr, "HPDIAG_SHIM_TOKEN=" + token, "HPDIAG_SHIM_PYTHONPATH=/b"},
		},
		{
			name: "stale shim variables are replaced",
			base: []string{"HPDIAG_SHIM_ADDR=1.2.3.4:1", "HPDIAG_SHIM_PYTHONPATH=/old", "HPDIAG_OTHER=1"},
			want: []string{"HPDIAG_OTHER=1", "PYTHONPATH=/tmp/shim", "HPDIAG_SHIM_ADDR=" + addr, "HPDIAG_SHIM_TOKEN=" + token},
		},
		{
			name:     "Windows names ignore case",
			base:     []string{"PythonPath=C:\\lib", "hpdiag_shim_token=old"},
			foldCase: true,
			want:     []string{"PYTHONPATH=/tmp/shim;C:\\lib", "HPDIAG_SHIM_ADDR=" + addr, "HPDIAG_SHIM_TOKEN=" + token, "HPDIAG_SHIM_PYTHONPATH=C:\\lib"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sep := ":"
			if tt.foldCase {
				sep = ";"
			}
			got := shimEnv(tt.base, dir, addr, token, tt.foldCase, sep)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}
