//go:build linux

package outputs

import "golang.org/x/sys/unix"

const ioctlGetTermios = unix.TCGETS
