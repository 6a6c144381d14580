package mediator

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// bufferedClient is an otlptrace.Client in front of the real one (HTTP or
// gRPC). A batch the endpoint does not take goes to the spool; while the
// spool holds anything, new batches queue behind it, so the endpoint sees
// spans in the order they finished. A replayer sends the spool, oldest
// first, every reconnect interval. In spool-first mode (channeltype
// multiprocess) every batch goes through the spool.
type bufferedClient struct {
	inner      otlptrace.Client
	spool      *spool
	spoolFirst bool
	retry      time.Duration
	log        logrus.FieldLogger

	sendMu sync.Mutex // one send at a time: direct or replayed, in order

	wake chan struct{}
	stop chan struct{}
	done chan struct{}

	exported, replayed, buffered, overflowed, unreadable atomic.Uint64
	outages                                              atomic.Uint64
	down                                                 atomic.Bool
	lastErr                                              atomic.Pointer[string]
}

var _ otlptrace.Client = (*bufferedClient)(nil)

func newBufferedClient(inner otlptrace.Client, sp *spool, spoolFirst bool, retry time.Duration, log logrus.FieldLogger) *bufferedClient {
	return &bufferedClient{
		inner:      inner,
		spool:      sp,
		spoolFirst: spoolFirst,
		retry:      retry,
		log:        log,
		wake:       make(chan struct{}, 1),
		stop:       make(chan struct{}),
		done:       make(chan struct{}),
	}
}

// Start starts the real client and the replayer, which sends at once what
// a previous run left in the buffer.
func (c *bufferedClient) Start(ctx context.Context) error {
	if err := c.inner.Start(ctx); err != nil {
		return fmt.Errorf("starting the OTLP client: %w", err)
	}
	go c.replayer()
	c.kick()
	return nil
}

// Stop stops the replayer, tries once more to empty the buffer within ctx
// and stops the real client. What is left stays on disk for the next run.
func (c *bufferedClient) Stop(ctx context.Context) error {
	close(c.stop)
	<-c.done
	c.drain(ctx)
	return c.inner.Stop(ctx)
}

// UploadTraces sends a batch or buffers it. It never fails: a failure would
// make the SDK drop the batch.
func (c *bufferedClient) UploadTraces(ctx context.Context, rs []*tracepb.ResourceSpans) error {
	n := countSpans(rs)
	if n == 0 {
		return nil
	}
	if !c.spoolFirst {
		c.sendMu.Lock()
		if b, _, _ := c.spool.pending(); b == 0 {
			err := c.inner.UploadTraces(ctx, rs)
			if err == nil {
				c.up()
				c.exported.Add(uint64(n))
				c.sendMu.Unlock()
				return nil
			}
			c.failed(err)
		}
		c.sendMu.Unlock()
	}
	c.bufferBatch(rs, n)
	if c.spoolFirst {
		c.kick()
	}
	return nil
}

// bufferBatch writes a batch to the spool, or counts it as overflowed.
func (c *bufferedClient) bufferBatch(rs []*tracepb.ResourceSpans, n int) {
	data, err := proto.Marshal(&collectortrace.ExportTraceServiceRequest{ResourceSpans: rs})
	if err == nil {
		err = c.spool.put(data, n)
	}
	if err != nil {
		c.overflowed.Add(uint64(n))
		if errors.Is(err, errFull) {
			c.log.Warnf("mediator %d spans lost: %v (buffer_size)", n, err)
		} else {
			c.log.Warnf("mediator %d spans lost: %v", n, err)
		}
		return
	}
	c.buffered.Add(uint64(n))
}

func (c *bufferedClient) kick() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *bufferedClient) replayer() {
	defer close(c.done)
	t := time.NewTicker(c.retry)
	defer t.Stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		case <-t.C:
		}
		c.drain(ctx)
	}
}

// drain sends the buffer, oldest first, until it is empty or a send fails.
func (c *bufferedClient) drain(ctx context.Context) {
	for ctx.Err() == nil {
		c.sendMu.Lock()
		f, data, ok, err := c.spool.head()
		if !ok {
			c.sendMu.Unlock()
			return
		}
		var req collectortrace.ExportTraceServiceRequest
		if err == nil {
			err = proto.Unmarshal(data, &req)
		}
		if err != nil {
			c.spool.drop(f)
			c.unreadable.Add(uint64(f.items))
			c.sendMu.Unlock()
			c.log.Warnf("mediator buffer: batch %s unreadable, %d spans lost: %v", f.name, f.items, err)
			continue
		}
		if err := c.inner.UploadTraces(ctx, req.ResourceSpans); err != nil {
			c.failed(err)
			c.sendMu.Unlock()
			return
		}
		c.spool.drop(f)
		c.up()
		c.replayed.Add(uint64(f.items))
		c.exported.Add(uint64(f.items))
		c.sendMu.Unlock()
	}
}

// failed records that the endpoint did not take a batch.
func (c *bufferedClient) failed(err error) {
	msg := err.Error()
	c.lastErr.Store(&msg)
	if !c.down.Swap(true) {
		c.outages.Add(1)
		c.log.Warnf("mediator unreachable, buffering on disk and retrying every %s: %v", c.retry, err)
	}
}

// up records that the endpoint took a batch.
func (c *bufferedClient) up() {
	if c.down.Swap(false) {
		c.log.Warn("mediator reachable again: replaying the buffer in order")
	}
}

func countSpans(rs []*tracepb.ResourceSpans) int {
	n := 0
	for _, r := range rs {
		for _, ss := range r.GetScopeSpans() {
			n += len(ss.GetSpans())
		}
	}
	return n
}
