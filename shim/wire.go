package shim

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
)

// Frame types (PROTOCOL.md). Shim to tracer below 0x80, replies above.
const (
	frameHello    byte = 0x01
	frameVerdictQ byte = 0x02
	frameBatch    byte = 0x03
	frameGoodbye  byte = 0x04
	frameError    byte = 0x05
	framePoints   byte = 0x06 // points created in code (pyprobe); answered by frameAccepted
	frameLog      byte = 0x07 // a message for the tracer's log
	frameSentinel byte = 0x7f // the Server's own marker connection (Wait)
	frameWelcome  byte = 0x81
	frameVerdict  byte = 0x82
	frameAccepted byte = 0x83
)

// maxFrame bounds one frame. A shim ships a batch at least every interval
// and its queue is bounded, so real frames stay far below it.
const maxFrame = 256 << 20

// frameHeaderLen is the length of a frame's header: u32 LE length of the
// rest, then the type byte.
const frameHeaderLen = 5

var errFrameTooLarge = errors.New("frame too large")

// readFrame reads one frame into buf (grown as needed) and returns its type
// and payload, which aliases buf.
func readFrame(r *bufio.Reader, buf []byte) (byte, []byte, []byte, error) {
	var hdr [frameHeaderLen]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return 0, nil, buf, err
	}
	n := binary.LittleEndian.Uint32(hdr[:4])
	if n == 0 {
		return 0, nil, buf, errors.New("empty frame")
	}
	if n > maxFrame {
		return 0, nil, buf, fmt.Errorf("%w: %d bytes", errFrameTooLarge, n)
	}
	size := int(n) - 1
	if cap(buf) < size {
		buf = make([]byte, size)
	}
	payload := buf[:size]
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, buf, fmt.Errorf("reading a frame of %d bytes: %w", n, err)
	}
	return hdr[4], payload, buf, nil
}

// writeFrame writes one frame.
func writeFrame(w io.Writer, kind byte, payload []byte) error {
	frame := make([]byte, frameHeaderLen+len(payload))
	binary.LittleEndian.PutUint32(frame, uint32(len(payload)+1))
	frame[4] = kind
	copy(frame[frameHeaderLen:], payload)
	_, err := w.Write(frame)
	return err
}

// writeJSON writes v as a JSON frame.
func writeJSON(c net.Conn, kind byte, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encoding frame %#x: %w", kind, err)
	}
	return writeFrame(c, kind, body)
}
