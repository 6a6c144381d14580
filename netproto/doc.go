// Package netproto parses the application protocols engine E0 sees on the
// sockets of traced processes, from the bounded captures of each read and
// write: HTTP/1.0 and 1.1 message heads (requests and responses, with
// keep-alive, pipelining and heads split across reads), and the SQL
// statements of the PostgreSQL and MySQL client/server protocols.
//
// Parsers are fed one direction of one connection at a time with the
// bytes captured from a call and the number of bytes the call transferred
// (the capture may be shorter). When a message's end cannot be known (a
// chunked body or one that lasts until the connection closes, or a capture
// that cut a head) the parser resynchronises on the next call whose data
// starts a message, since clients and servers start messages on a fresh
// call in practice.
//
// HTTP/2, gRPC and WebSocket frames are not parsed.
package netproto
