package netproto

import (
	"reflect"
	"testing"
)

// chunk is one call's capture and the bytes it transferred (0: len(data)).
type chunk struct {
	data string
	n    int64
}

func feedAll(s *HTTPStream, chunks []chunk) []Head {
	var out []Head
	for _, c := range chunks {
		n := c.n
		if n == 0 {
			n = int64(len(c.data))
		}
		s.Feed([]byte(c.data), n, func(h *Head) { out = append(out, *h) })
	}
	return out
}

func TestHTTPRequests(t *testing.T) {
	get := "GET /items/1?x=2 HTTP/1.1\r\nHost: a:80\r\ntraceparent: 00-abc-def-01\r\nX-Mercury-Diag-HTTP-Color: red\r\n\r\n"
	post := "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello"
	tests := []struct {
		name   string
		chunks []chunk
		want   []string // method target
	}{
		{"one", []chunk{{data: get}}, []string{"GET /items/1?x=2"}},
		{"split head", []chunk{{data: get[:10]}, {data: get[10:40]}, {data: get[40:]}}, []string{"GET /items/1?x=2"}},
		{"split at CRLF", []chunk{{data: get[:len(get)-2]}, {data: "\r\n"}}, []string{"GET /items/1?x=2"}},
		{"keep-alive", []chunk{{data: get}, {data: post}, {data: get}}, []string{"GET /items/1?x=2", "POST /p", "GET /items/1?x=2"}},
		{"pipelined", []chunk{{data: get + post + get}}, []string{"GET /items/1?x=2", "POST /p", "GET /items/1?x=2"}},
		{"body in later reads", []chunk{{data: "POST /p HTTP/1.1\r\nContent-Length: 10\r\n\r\n"}, {data: "12345"}, {data: "67890"}, {data: get}}, []string{"POST /p", "GET /items/1?x=2"}},
		{"body not captured", []chunk{{data: "POST /p HTTP/1.1\r\nContent-Length: 100000\r\n\r\n0123", n: 4096}, {data: "xxxx", n: 95000}, {data: "yyyy", n: 948}, {data: get}}, []string{"POST /p", "GET /items/1?x=2"}},
		{"not http", []chunk{{data: "\x16\x03\x01 tls hello"}, {data: "more"}}, nil},
		{"garbage then request", []chunk{{data: "junk"}, {data: get}}, []string{"GET /items/1?x=2"}},
		{"chunked body resyncs", []chunk{{data: "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"}, {data: "0\r\n\r\n"}, {data: get}}, []string{"POST /c", "GET /items/1?x=2"}},
		{"HTTP/1.0", []chunk{{data: "GET / HTTP/1.0\r\n\r\n"}}, []string{"GET /"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s HTTPStream
			var got []string
			for _, h := range feedAll(&s, tt.chunks) {
				got = append(got, h.Method+" "+h.Target)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHTTPRequestHeaders(t *testing.T) {
	var s HTTPStream
	hs := feedAll(&s, []chunk{{data: "GET /a HTTP/1.1\r\nhost: h:1\r\nTraceparent: tp\r\nx-mercury-diag-http-color: c\r\nConnection: close\r\n\r\n"}})
	want := Head{Request: true, Method: "GET", Target: "/a", Host: "h:1", Traceparent: "tp", Color: "c"}
	if len(hs) != 1 || hs[0] != want {
		t.Fatalf("got %+v, want %+v", hs, want)
	}
}

func TestHTTPResponses(t *testing.T) {
	ok := "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
	tests := []struct {
		name   string
		chunks []chunk
		head   bool // responses answer HEAD requests
		want   []int
	}{
		{"one", []chunk{{data: ok}}, false, []int{200}},
		{"keep-alive", []chunk{{data: ok}, {data: "HTTP/1.1 500 INTERNAL SERVER ERROR\r\nContent-Length: 0\r\n\r\n"}, {data: ok}}, false, []int{200, 500, 200}},
		{"head then body in two writes", []chunk{{data: "HTTP/1.0 404 NOT FOUND\r\nContent-Length: 3\r\n\r\n"}, {data: "abc"}, {data: ok}}, false, []int{404, 200}},
		{"no length: until close, resync", []chunk{{data: "HTTP/1.0 200 OK\r\n\r\n"}, {data: "body"}, {data: ok}}, false, []int{200, 200}},
		{"204 has no body", []chunk{{data: "HTTP/1.1 204 No Content\r\n\r\n" + ok}}, false, []int{204, 200}},
		{"HEAD response", []chunk{{data: "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"}, {data: ok}}, true, []int{200, 200}},
		{"split status line", []chunk{{data: "HTT"}, {data: "P/1.1 302 Found\r\nLocation: /\r\nContent-Length: 0\r\n\r\n"}}, false, []int{302}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := HTTPStream{Responses: true, NoBody: func() bool { return tt.head }}
			var got []int
			for _, h := range feedAll(&s, tt.chunks) {
				got = append(got, h.Status)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
