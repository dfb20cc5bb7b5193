// Package redisrevoke carries fastauth's revocations between the instances
// of a service with Redis pub/sub: a revocation.Broadcaster for revocation
// mode immediate (ginauth.RevocationConfig). It lives outside ginauth so
// that applications without Redis do not link go-redis.
package redisrevoke

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/fastauth/fastauth/ginauth/revocation"
)

// DefaultChannel is the pub/sub channel New uses when given none.
const DefaultChannel = "fastauth:revocations"

// Probing of a silent subscription: after probeAfter without a message
// the broadcaster pings Redis, and reports the broadcast down when the
// pong does not come within probeWait (a Redis that stopped answering
// keeps the connection open). retryAfter spaces reconnection attempts.
const (
	probeAfter = 500 * time.Millisecond
	probeWait  = 500 * time.Millisecond
	retryAfter = 200 * time.Millisecond
)

// Broadcaster is a revocation.Broadcaster on one Redis channel. It is safe
// for concurrent use.
type Broadcaster struct {
	client  redis.UniversalClient
	channel string

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

var _ revocation.Broadcaster = (*Broadcaster)(nil)

// New returns a broadcaster publishing on and listening to channel
// (DefaultChannel when empty) through client, which it does not close.
func New(client redis.UniversalClient, channel string) *Broadcaster {
	if channel == "" {
		channel = DefaultChannel
	}
	return &Broadcaster{client: client, channel: channel, stop: make(chan struct{}), done: make(chan struct{})}
}

// Publish sends r to every listening instance.
func (b *Broadcaster) Publish(ctx context.Context, r revocation.Revocation) error {
	msg, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return b.client.Publish(ctx, b.channel, msg).Err()
}

// Listen subscribes in the background: deliver gets every revocation
// published, health reports true once subscribed and false as soon as the
// subscription fails or Redis stops answering; the broadcaster then
// resubscribes until Close.
func (b *Broadcaster) Listen(deliver func(revocation.Revocation), health func(up bool)) error {
	go b.run(deliver, health)
	return nil
}

// Close stops listening. It is safe to call more than once.
func (b *Broadcaster) Close() error {
	b.closeOnce.Do(func() { close(b.stop) })
	<-b.done
	return nil
}

// run subscribes, receives, and resubscribes after a failure, until Close.
func (b *Broadcaster) run(deliver func(revocation.Revocation), health func(up bool)) {
	defer close(b.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-b.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	up := false
	report := func(now bool) {
		if now != up {
			up = now
			health(now)
		}
	}
	for ctx.Err() == nil {
		err := b.receive(ctx, deliver, report)
		if err == nil || ctx.Err() != nil {
			return // Close: the end of listening, not an outage to report
		}
		report(false)
		select {
		case <-ctx.Done():
			return
		case <-time.After(retryAfter):
		}
	}
}

// errSilent ends a subscription whose Redis did not answer a ping.
var errSilent = errors.New("redisrevoke: Redis did not answer a ping")

// receive runs one subscription until it fails (its error) or ctx ends.
func (b *Broadcaster) receive(ctx context.Context, deliver func(revocation.Revocation), report func(bool)) error {
	ps := b.client.Subscribe(ctx)
	defer func() { _ = ps.Close() }()
	sctx, cancel := context.WithTimeout(ctx, probeAfter+probeWait)
	err := ps.Subscribe(sctx, b.channel)
	if err == nil {
		_, err = ps.ReceiveTimeout(sctx, probeAfter+probeWait) // the subscription's confirmation
	}
	cancel()
	if err != nil {
		return err
	}
	report(true)
	probing := false
	for {
		wait := probeAfter
		if probing {
			wait = probeWait
		}
		msg, err := ps.ReceiveTimeout(ctx, wait)
		if ctx.Err() != nil {
			return nil
		}
		var nerr interface{ Timeout() bool }
		switch {
		case err != nil && errors.As(err, &nerr) && nerr.Timeout():
			if probing {
				return errSilent
			}
			if err := ps.Ping(ctx); err != nil {
				return err
			}
			probing = true
			continue
		case err != nil:
			return err
		}
		probing = false
		if m, ok := msg.(*redis.Message); ok {
			var r revocation.Revocation
			if json.Unmarshal([]byte(m.Payload), &r) == nil {
				deliver(r)
			}
		}
	}
}
