package netproto

// Statement is one SQL statement a client ran, seen on the wire.
type Statement struct {
	Text   string
	Start  int64 // when the client sent it (the caller's clock)
	End    int64 // when the server's answer came
	Failed bool  // the server answered with an error
}

// framer splits a byte stream into length-prefixed messages, passing over
// the parts of long messages that were not captured.
type framer struct {
	buf  []byte
	skip int64
	lost bool // a message was cut: wait for the next call to resync
}

// feed appends a call's capture (n bytes transferred) and calls msg for
// each complete message; hdr gives the header size and the total size of
// the message at the start of b, or ok=false when b is too short.
func (f *framer) feed(data []byte, n int64, hdr func(b []byte) (total int64, ok bool), msg func(b []byte)) {
	if n < int64(len(data)) {
		n = int64(len(data))
	}
	tail := n - int64(len(data))
	if f.skip > 0 {
		if f.skip >= n {
			f.skip -= n
			return
		}
		if f.skip > int64(len(data)) {
			f.skip, f.lost = 0, true
			return
		}
		data = data[f.skip:]
		f.skip = 0
	}
	if f.lost {
		// A message boundary is only known at a call's start.
		f.lost = false
		f.buf = f.buf[:0]
	}
	f.buf = append(f.buf, data...)
	for {
		total, ok := hdr(f.buf)
		if !ok {
			if tail > 0 {
				f.buf, f.lost = f.buf[:0], true
			}
			return
		}
		if total <= int64(len(f.buf)) {
			msg(f.buf[:total])
			f.buf = f.buf[total:]
			continue
		}
		if tail == 0 && total <= maxHead {
			return // the rest comes with the next call
		}
		// Report what was captured of a long message, pass over the rest.
		msg(f.buf)
		f.skip = total - int64(len(f.buf)) - tail
		if f.skip < 0 {
			f.skip, f.lost = 0, true
		}
		f.buf = f.buf[:0]
		return
	}
}

func cstring(b []byte) (string, []byte) {
	for i, c := range b {
		if c == 0 {
			return string(b[:i]), b[i+1:]
		}
	}
	return string(b), nil
}
