package matcher

import (
	"fmt"
	"sync"
	"testing"

	"github.com/hpdiag/hpdiag-trace/conf"
)

// workload is a mix of matched and unmatched code objects over a few files.
func workload() ([]*conf.Point, []CodeInfo) {
	points := []*conf.Point{
		point("methods", `^pkg\.`, "^Shop$", "^(?!_)"),
		point("funcs", `^pkg\.mod1$`, "", "^f[0-9]*[02468]$"),
	}
	var codes []CodeInfo
	for f := 0; f < 4; f++ {
		file := fmt.Sprintf("/srv/proj/pkg/mod%d.py", f)
		for i := 0; i < 25; i++ {
			codes = append(codes,
				CodeInfo{Filename: file, Qualname: fmt.Sprintf("Shop.m%d", i), Name: fmt.Sprintf("m%d", i), FirstLine: i},
				CodeInfo{Filename: file, Qualname: fmt.Sprintf("Shop._p%d", i), Name: fmt.Sprintf("_p%d", i), FirstLine: 100 + i},
				CodeInfo{Filename: file, Qualname: fmt.Sprintf("f%d", i), Name: fmt.Sprintf("f%d", i), FirstLine: 200 + i},
			)
		}
	}
	return points, codes
}

// TestMatchConcurrent has goroutines race to resolve the same code objects
// in different orders; every goroutine must get the same pointer per code
// object and the verdict a sequential matcher gives. Run it with -race.
func TestMatchConcurrent(t *testing.T) {
	points, codes := workload()
	fs := newFakeFS("/srv/proj/pkg/__init__.py")
	m := New(points, Options{Stat: fs.isFile})

	const workers = 8
	got := make([][]*Method, workers)
	var wg sync.WaitGroup
	for w := range workers {
		got[w] = make([]*Method, len(codes))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 3; round++ {
				for j := range codes {
					i := (j + w*37) % len(codes) // a different order per worker
					if w%2 == 1 {
						i = len(codes) - 1 - i
					}
					r := m.Match(codes[i])
					if round > 0 && r != got[w][i] {
						t.Errorf("worker %d: %s changed from %p to %p", w, codes[i].Qualname, got[w][i], r)
					}
					got[w][i] = r
				}
			}
		}()
	}
	wg.Wait()

	seq := New(points, Options{Stat: newFakeFS("/srv/proj/pkg/__init__.py").isFile})
	matched := 0
	for i, ci := range codes {
		want := describe(seq.Match(ci))
		if d := describe(got[0][i]); d != want {
			t.Errorf("%s in %s: concurrent %s, sequential %s", ci.Qualname, ci.Filename, d, want)
		}
		if got[0][i] != nil {
			matched++
		}
		for w := 1; w < workers; w++ {
			mustSame(t, ci.Filename+" "+ci.Qualname, got[0][i], got[w][i])
		}
	}
	if matched == 0 || matched == len(codes) {
		t.Fatalf("%d of %d code objects matched; the workload must mix hits and misses", matched, len(codes))
	}
}
