// Package conf reads what the user configures: probe.conf (the guide's chapter 4)
// and points files (chapter 5), with the guide's defaults, typed values and
// validation.
//
// Every error a user can cause names the file and line, the value and the fix
// (see Error). Unknown keys are not fatal: they are reported through a Warner
// with their file and line.
package conf
