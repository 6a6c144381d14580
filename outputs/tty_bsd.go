//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package outputs

import "golang.org/x/sys/unix"

const ioctlGetTermios = unix.TIOCGETA
