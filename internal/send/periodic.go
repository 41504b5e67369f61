package send

import (
	"context"
	"math/rand/v2"
	"time"
)

// Periodic calls push every interval, give or take jitter, until ctx is done, then returns.
// Each call gets a context bounded by interval, retries included, so pushes never pile up
// while a receiver is down. The wait before each push is interval plus a random duration in
// [-jitter/2, jitter/2]; a zero jitter means interval/10, a negative one none, so the pushes of
// many processes started together spread out. The error of a push reaches onError (when not
// nil) unless ctx was done by then: a push cut short by the client's Close is not the
// receiver's failure.
//
// A client runs it in its own goroutine and cancels ctx on Close.
func Periodic(ctx context.Context, interval, jitter time.Duration, push func(context.Context) error, onError func(error)) {
	for {
		t := time.NewTimer(Jittered(interval, jitter))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, interval)
		err := push(pctx)
		cancel()
		if err != nil && onError != nil && ctx.Err() == nil {
			onError(err)
		}
	}
}

// Jittered returns interval plus a random duration in [-jitter/2, jitter/2], with jitter as
// Periodic reads it.
func Jittered(interval, jitter time.Duration) time.Duration {
	if jitter == 0 {
		jitter = interval / 10
	}
	if jitter <= 0 {
		return interval
	}
	return interval - jitter/2 + rand.N(jitter+1)
}
