package conf

import "github.com/hpdiag/hpdiag-trace/pyre"

// LayerType is the guide's layer_type of a point.
type LayerType string

// The four layer types of the guide's chapter 5.
const (
	LayerMethod        LayerType = "method"
	LayerTrendedMethod LayerType = "trended_method"
	LayerPortlet       LayerType = "portlet"
	LayerSQL           LayerType = "sql"
)

// ArgSpec says which argument of a call a point captures: args:n (Index >= 0)
// or args:name (Name true: the instance the method was called on).
type ArgSpec struct {
	Index int  // 0–254 for args:n; -1 for args:name
	Name  bool // args:name
}

// Detail is a point's parsed detail list.
type Detail struct {
	BeforeCode     string    // before:code:<name>, "" if absent
	AfterCode      string    // after:code:<name>, "" if absent
	Args           []ArgSpec // args:n and args:name, in the order written
	IsSQLStatement bool
	Inbound        bool
	Outbound       bool
	MethodTrim     bool
	MethodNoTrim   bool
	NoLayerRecurse bool
}

// Point is one capture point of a points file.
type Point struct {
	Name      string // the section name
	Module    *pyre.Regexp
	Class     *pyre.Regexp // nil: the point selects module functions only
	Method    *pyre.Regexp
	Layer     string
	LayerType LayerType
	Detail    Detail

	File string // where the point was defined, for messages
	Line int    // line of the section header
}
