package shim

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/hpdiag/hpdiag-trace/matcher"
	"github.com/hpdiag/hpdiag-trace/pipeline"
)

// batchFrame builds a batch payload as the shim does.
type batchFrame struct {
	dropped uint64
	values  map[uint64]string
	words   []uint64
	order   binary.ByteOrder
}

func (b batchFrame) bytes() []byte {
	var buf bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&buf, le, b.dropped)
	_ = binary.Write(&buf, le, uint32(len(b.values)))
	for id, v := range b.values {
		_ = binary.Write(&buf, le, id)
		_ = binary.Write(&buf, le, uint32(len(v)))
		buf.WriteString(v)
	}
	for _, w := range b.words {
		_ = binary.Write(&buf, b.order, w)
	}
	return buf.Bytes()
}

func word(cid uint64, kind uint64) uint64 { return cid<<kindBits | kind }

func TestBatchDecoding(t *testing.T) {
	m1 := &matcher.Method{Module: "app", Class: "Shop", Name: "price"}
	m2 := &matcher.Method{Module: "app", Name: "charge"}
	tests := []struct {
		name    string
		order   binary.ByteOrder
		frames  []batchFrame
		want    []pipeline.Event
		dropped uint64
		invalid uint64
		err     string
	}{
		{
			name:  "enter, exit, exit by exception",
			order: binary.LittleEndian,
			frames: []batchFrame{{words: []uint64{
				word(1, kindEnter), 7, 100,
				word(2, kindEnter), 7, 110,
				word(2, kindExitExc), 7, 120,
				word(1, kindExit), 7, 130,
			}}},
			want: []pipeline.Event{
				{Kind: pipeline.Enter, PID: 42, TID: 7, Time: 100, Method: m1},
				{Kind: pipeline.Enter, PID: 42, TID: 7, Time: 110, Method: m2},
				{Kind: pipeline.Exit, Exception: true, PID: 42, TID: 7, Time: 120, Method: m2},
				{Kind: pipeline.Exit, PID: 42, TID: 7, Time: 130, Method: m1},
			},
		},
		{
			name:  "values, one shipped a batch before its record, big-endian words",
			order: binary.BigEndian,
			frames: []batchFrame{
				{values: map[uint64]string{1: "first", 2: "späť"}, words: []uint64{word(1, kindEnterValue), 9, 5, 1}},
				{dropped: 3, words: []uint64{word(1, kindEnterValue), 9, 6, 2}},
			},
			want: []pipeline.Event{
				{Kind: pipeline.Enter, PID: 42, TID: 9, Time: 5, Method: m1, Value: "first"},
				{Kind: pipeline.Enter, PID: 42, TID: 9, Time: 6, Method: m1, Value: "späť"},
			},
			dropped: 3,
		},
		{
			name:    "records of a code never matched are counted, not delivered",
			order:   binary.LittleEndian,
			frames:  []batchFrame{{words: []uint64{word(3, kindEnter), 1, 1, word(99, kindExit), 1, 2, word(1, kindEnter), 1, 3}}},
			want:    []pipeline.Event{{Kind: pipeline.Enter, PID: 42, TID: 1, Time: 3, Method: m1}},
			invalid: 2,
		},
		{
			name:   "unknown kind",
			order:  binary.LittleEndian,
			frames: []batchFrame{{words: []uint64{word(1, 7), 1, 1}}},
			err:    "unknown record kind 7",
		},
		{
			name:  "request attributes: the key in the high bits, the value by id",
			order: binary.LittleEndian,
			frames: []batchFrame{{values: map[uint64]string{1: "/order/1", 2: "503"}, words: []uint64{
				word(1, kindEnter), 7, 100,
				word(uint64(pipeline.AttrURI), kindAttr), 7, 101, 1,
				word(uint64(pipeline.AttrHTTPStatus), kindAttr), 7, 102, 2,
				word(1, kindExit), 7, 103,
			}}},
			want: []pipeline.Event{
				{Kind: pipeline.Enter, PID: 42, TID: 7, Time: 100, Method: m1},
				{Kind: pipeline.Attr, AttrKey: pipeline.AttrURI, PID: 42, TID: 7, Time: 101, Value: "/order/1"},
				{Kind: pipeline.Attr, AttrKey: pipeline.AttrHTTPStatus, PID: 42, TID: 7, Time: 102, Value: "503"},
				{Kind: pipeline.Exit, PID: 42, TID: 7, Time: 103, Method: m1},
			},
		},
		{
			name:    "an attribute key out of range is counted, not delivered",
			order:   binary.LittleEndian,
			frames:  []batchFrame{{values: map[uint64]string{1: "x"}, words: []uint64{word(0, kindAttr), 7, 1, 1, word(99, kindAttr), 7, 2, 1}}},
			invalid: 2,
		},
		{
			name:   "truncated record",
			order:  binary.LittleEndian,
			frames: []batchFrame{{words: []uint64{word(1, kindEnter), 1}}},
			err:    "truncated record",
		},
		{
			name:   "value record without its value id",
			order:  binary.LittleEndian,
			frames: []batchFrame{{words: []uint64{word(1, kindEnterValue), 1, 1}}},
			err:    "truncated record",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := newRecSink()
			s := &Server{opts: Options{Sink: sink}}
			cn := &conn{s: s, pid: 42, order: tt.order, values: map[uint64]string{},
				methods: []*matcher.Method{nil, m1, m2, nil}}
			var err error
			for _, f := range tt.frames {
				f.order = tt.order
				if err = cn.batch(f.bytes()); err != nil {
					break
				}
			}
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := sink.snapshot()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("events:\n got %+v\nwant %+v", got, tt.want)
			}
			st := s.snapshot()
			if sink.dropped != tt.dropped || st.Dropped != tt.dropped || st.Invalid != tt.invalid || st.Events != uint64(len(tt.want)) {
				t.Errorf("stats %+v, sink dropped %d; want dropped %d, invalid %d, events %d", st, sink.dropped, tt.dropped, tt.invalid, len(tt.want))
			}
			if len(cn.values) != 0 {
				t.Errorf("values left unclaimed: %v", cn.values)
			}
		})
	}
}

func TestBatchHeader(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
		err     string
	}{
		{"short header", make([]byte, 11), "short batch header"},
		{"value cut", append(append(make([]byte, 8), 1, 0, 0, 0), make([]byte, 8)...), "truncated value"},
		{"value longer than the frame", append(append(make([]byte, 8), 1, 0, 0, 0), append(make([]byte, 8), 9, 0, 0, 0, 'a')...), "truncated value"},
		{"records not whole words", append(make([]byte, 12), 1, 2, 3), "whole number of words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cn := &conn{s: &Server{opts: Options{Sink: newRecSink()}}, order: binary.LittleEndian, values: map[uint64]string{}}
			if err := cn.batch(tt.payload); err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestFrames(t *testing.T) {
	var buf bytes.Buffer
	payloads := [][]byte{[]byte(`{"ok":true}`), {}, bytes.Repeat([]byte{7}, 100000)}
	for i, p := range payloads {
		if err := writeFrame(&buf, byte(i+1), p); err != nil {
			t.Fatal(err)
		}
	}
	r := bufio.NewReader(&buf)
	var scratch []byte
	for i, want := range payloads {
		kind, got, next, err := readFrame(r, scratch)
		scratch = next
		if err != nil || kind != byte(i+1) || !bytes.Equal(got, want) {
			t.Fatalf("frame %d: kind %d, %d bytes, err %v", i, kind, len(got), err)
		}
	}
	if _, _, _, err := readFrame(r, scratch); !errors.Is(err, io.EOF) {
		t.Errorf("after the last frame: %v, want EOF", err)
	}
	bad := []struct {
		name  string
		input []byte
		err   string
	}{
		{"empty frame", []byte{0, 0, 0, 0, 1}, "empty frame"},
		{"too large", []byte{0xff, 0xff, 0xff, 0xff, 1}, "frame too large"},
		{"cut short", []byte{10, 0, 0, 0, 1, 'a'}, "reading a frame of 10 bytes"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := readFrame(bufio.NewReader(bytes.NewReader(tt.input)), nil)
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error = %v, want %q", err, tt.err)
			}
		})
	}
}

// TestStrangers: a connection without the token, or that speaks first
// with anything but a hello, is closed and counts as nothing.
func TestStrangers(t *testing.T) {
	s, sink := startServer(t, testPoints(), nil)
	s.log.(*logrus.Logger).SetLevel(logrus.ErrorLevel)
	for _, first := range [][]byte{
		frameBytes(frameHello, []byte(`{"token":"wrong","pid":1,"impl":"cpython","version":[3,12,1],"byteorder":"little"}`)),
		frameBytes(frameBatch, make([]byte, 12)),
		frameBytes(frameHello, []byte(`not json`)),
	} {
		c, err := netDial(s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Write(first); err != nil {
			t.Fatal(err)
		}
		if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
			t.Errorf("the server answered a stranger (%d bytes, %v)", n, err)
		}
		c.Close()
	}
	st := s.Wait(waitTimeout)
	if st.Connected || st.Processes != 0 || len(st.LostAtExit) != 0 {
		t.Errorf("stats = %+v, want nothing", st)
	}
	if _, procs := sink.snapshot(); len(procs) != 0 {
		t.Errorf("processes = %v", procs)
	}
}

func frameBytes(kind byte, payload []byte) []byte {
	var buf bytes.Buffer
	_ = writeFrame(&buf, kind, payload)
	return buf.Bytes()
}

// TestAttrKeysOnTheWire pins the attribute keys the Python side writes
// (custom.py ATTR_*) to pipeline.AttrKey: changing either breaks the other.
func TestAttrKeysOnTheWire(t *testing.T) {
	tests := []struct {
		key  pipeline.AttrKey
		wire uint64
	}{
		{pipeline.AttrURI, 1}, {pipeline.AttrHTTPStatus, 2}, {pipeline.AttrHTTPStatusDesc, 3},
		{pipeline.AttrInboundColoring, 4}, {pipeline.AttrRemoteIP, 5}, {pipeline.AttrOutbound, 7},
		{pipeline.AttrServerPort, 8}, {pipeline.AttrConsumerID, 9},
	}
	for _, tt := range tests {
		if uint64(tt.key) != tt.wire {
			t.Errorf("AttrKey %d is %d on the wire (shim/PROTOCOL.md)", tt.key, tt.wire)
		}
	}
}
