module github.com/hpdiag/hpdiag-trace

go 1.26.8

require (
	github.com/dlclark/regexp2 v1.12.0
	github.com/sirupsen/logrus v1.10.2
	golang.org/x/sys v0.13.0
	gopkg.in/ini.v1 v1.67.3
)
