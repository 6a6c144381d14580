module github.com/hpdiag/hpdiag-trace

go 1.26.8

require (
	github.com/dlclark/regexp2 v1.12.0
	github.com/sirupsen/logrus v1.10.2
	golang.org/x/sys v0.43.0
	gopkg.in/ini.v1 v1.67.3
)

require github.com/cilium/ebpf v0.22.0 // indirect

tool github.com/cilium/ebpf/cmd/bpf2go
