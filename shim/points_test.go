package shim

import "github.com/hpdiag/hpdiag-trace/conf"

// testPoints select the methods of testdata/app.py.
func testPoints() []*conf.Point {
	return []*conf.Point{
		point("Price", "^app$", "^Shop$", "^price$", argN(0)),
		// The main script matches "__main__" only through the module hint.
		point("Checkout", "^__main__$", "^Shop$", "^checkout$", argName()),
		point("Static", "^app$", "^Shop$", "^(tax|make)$", argN(0), argName()),
		point("Charge", "^app$", "", "^charge$", argN(0)),
		point("Numbers", "^app$", "", "^numbers$", argN(0)),
		point("Generators", "^app$", "", "^(inner|outer)$"),
		point("Describe", "^app$", "", "^(describe|nodoc)$", argName()),
		point("Shout", "^app$", "", "^shout$", argN(0), argN(5)), // no 6th argument: left out
		point("Fork", "^app$", "", "^(forked_work|run_fork|mp_work)$"),
		point("Step", "^(longrun|many)$", "", "^(step|late)$"),
	}
}
