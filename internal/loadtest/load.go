package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/fastauth/fastauth/ginauth"
)

// newClient is an HTTP client keeping up to conns connections to one host
// and ignoring cookies (the commands carry them by hand).
func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns:        conns,
			MaxIdleConnsPerHost: conns,
			MaxConnsPerHost:     conns,
			IdleConnTimeout:     time.Minute,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// postJSON POSTs body to url with the cookie header and returns the
// status and the response's cookies.
func postJSON(ctx context.Context, cl *http.Client, url string, body any, cookie string) (int, []*http.Cookie, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		js, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := cl.Do(req)
	if err != nil {
		return 0, nil, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode, resp.Cookies(), nil
}

// cookieValue is the value of the named cookie among cs.
func cookieValue(cs []*http.Cookie, name string) string {
	for _, c := range cs {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// cmdToken signs in once and prints the access token.
func cmdToken(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("token", flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:18080", "server base URL")
	email := fs.String("email", seedEmail(0), "email")
	password := fs.String("password", "loadtest-password-1", "password")
	_ = fs.Parse(args)
	status, cs, err := postJSON(ctx, newClient(1), *base+"/auth/sign-in", map[string]string{"email": *email, "password": *password}, "")
	if err != nil {
		return err
	}
	tok := cookieValue(cs, "access_token")
	if status != http.StatusOK || tok == "" {
		return fmt.Errorf("sign-in answered %d", status)
	}
	fmt.Println(tok)
	return nil
}

// cmdHashRate measures argon2id hashes per second on one goroutine with
// the production parameters.
func cmdHashRate(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("hashrate", flag.ExitOnError)
	d := fs.Duration("d", 5*time.Second, "how long to hash")
	_ = fs.Parse(args)
	p := ginauth.DefaultArgon2Params
	salt := make([]byte, p.SaltLength)
	n := 0
	start := time.Now()
	for time.Since(start) < *d {
		argon2.IDKey([]byte("loadtest-password-1"), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)
		n++
	}
	el := time.Since(start)
	fmt.Printf("hashrate hashes=%d seconds=%.2f per_second=%.1f ms_per_hash=%.2f\n",
		n, el.Seconds(), float64(n)/el.Seconds(), el.Seconds()*1000/float64(n))
	return nil
}

// recorder collects latencies and status counts from many goroutines.
type recorder struct {
	mu       sync.Mutex
	lat      []time.Duration
	statuses map[int]int
	errs     int
	lastErr  error
}

func newRecorder() *recorder { return &recorder{statuses: map[int]int{}} }

func (r *recorder) add(status int, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err != nil {
		if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
			r.errs++
			r.lastErr = err
		}
		return
	}
	r.statuses[status]++
	r.lat = append(r.lat, d)
}

// summary is "n=.. rps=.. p50=.. p99=.. max=.. status=..:..".
func (r *recorder) summary(el time.Duration, okStatus int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	slices.Sort(r.lat)
	q := func(f float64) time.Duration {
		if len(r.lat) == 0 {
			return 0
		}
		return r.lat[min(int(f*float64(len(r.lat))), len(r.lat)-1)]
	}
	var st []string
	for _, k := range slices.Sorted(maps.Keys(r.statuses)) {
		st = append(st, fmt.Sprintf("%d:%d", k, r.statuses[k]))
	}
	s := fmt.Sprintf("n=%d ok_per_second=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f statuses=%s transport_errors=%d",
		len(r.lat), float64(r.statuses[okStatus])/el.Seconds(),
		ms(q(0.50)), ms(q(0.99)), ms(q(1)), strings.Join(st, ","), r.errs)
	if r.lastErr != nil {
		s += fmt.Sprintf(" last_error=%q", r.lastErr.Error())
	}
	return s
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cmdSignIn runs -c concurrent sign-in loops against seeded users for -d,
// while a probe GETs another route every 50 ms and the server's RSS (from
// /proc/PID/status) is sampled every 50 ms.
func cmdSignIn(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("signin", flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:18080", "server base URL")
	conc := fs.Int("c", 200, "concurrent sign-ins")
	d := fs.Duration("d", 20*time.Second, "duration")
	users := fs.Int("users", 100000, "seeded users to pick from")
	password := fs.String("password", "loadtest-password-1", "password of the seeded users")
	probe := fs.String("probe", "/healthz", "route probed during the load")
	probeCookie := fs.String("probe-cookie", "", "Cookie header of the probe requests")
	pid := fs.Int("pid", 0, "server pid whose RSS to sample (0: none)")
	once := fs.Bool("once", false, "one sign-in per client (a burst of -c sign-ins), then stop; -d still bounds it")
	_ = fs.Parse(args)

	ctx, cancel := context.WithTimeout(ctx, *d)
	defer cancel()
	cl := newClient(*conc)
	rec, probes := newRecorder(), newRecorder()
	retryAfter := atomic.Int64{}
	var wg sync.WaitGroup
	start := time.Now()
	clients := sync.WaitGroup{}
	for i := range *conc {
		clients.Go(func() {
			for ctx.Err() == nil {
				user := rand.IntN(*users)
				if *once {
					user = i % *users
				}
				body := map[string]string{"email": seedEmail(user), "password": *password}
				t := time.Now()
				js, _ := json.Marshal(body)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, *base+"/auth/sign-in", bytes.NewReader(js))
				req.Header.Set("Content-Type", "application/json")
				resp, err := cl.Do(req)
				if err != nil {
					rec.add(0, 0, err)
					if *once {
						return
					}
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				rec.add(resp.StatusCode, time.Since(t), nil)
				if resp.StatusCode == http.StatusServiceUnavailable {
					if resp.Header.Get("Retry-After") != "" {
						retryAfter.Add(1)
					}
					if *once {
						return
					}
					// A well-behaved client backs off as told.
					select {
					case <-ctx.Done():
					case <-time.After(time.Second):
					}
				}
				if *once {
					return
				}
			}
		})
	}
	var maxRSS atomic.Int64
	wg.Go(func() {
		pcl := newClient(1)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			if *pid > 0 {
				if kb := rssKiB(*pid); kb > maxRSS.Load() {
					maxRSS.Store(kb)
				}
			}
			t := time.Now()
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, *base+*probe, nil)
			if *probeCookie != "" {
				req.Header.Set("Cookie", *probeCookie)
			}
			resp, err := pcl.Do(req)
			if err != nil {
				probes.add(0, 0, err)
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			probes.add(resp.StatusCode, time.Since(t), nil)
		}
	})
	clients.Wait()
	el := time.Since(start)
	cancel() // the probe and RSS sampler stop with the clients
	wg.Wait()
	fmt.Printf("signin concurrency=%d seconds=%.1f %s retry_after_on_503=%d\n", *conc, el.Seconds(), rec.summary(el, 200), retryAfter.Load())
	fmt.Printf("signin-probe route=%s %s\n", *probe, probes.summary(el, 200))
	if *pid > 0 {
		fmt.Printf("signin-rss max_rss_mib=%.1f\n", float64(maxRSS.Load())/1024)
	}
	return nil
}

// rssKiB is VmRSS of pid in KiB, 0 when unreadable.
func rssKiB(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// cmdRefresh signs -c distinct seeded users in, then has each rotate its
// refresh token in a loop for -d, carrying the new refresh cookie each
// time like a browser. Any status but 200 is an error.
func cmdRefresh(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("refresh", flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:18080", "server base URL")
	conc := fs.Int("c", 32, "concurrent clients (one session each)")
	d := fs.Duration("d", 20*time.Second, "duration")
	password := fs.String("password", "loadtest-password-1", "password of the seeded users")
	offset := fs.Int("offset", 1000, "index of the first seeded user to use")
	_ = fs.Parse(args)

	cl := newClient(*conc)
	refresh := make([]string, *conc)
	for i := range *conc {
		status, cs, err := postJSON(ctx, cl, *base+"/auth/sign-in", map[string]string{"email": seedEmail(*offset + i), "password": *password}, "")
		if err != nil {
			return err
		}
		if refresh[i] = cookieValue(cs, "refresh_token"); status != http.StatusOK || refresh[i] == "" {
			return fmt.Errorf("sign-in of %s answered %d", seedEmail(*offset+i), status)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, *d)
	defer cancel()
	rec := newRecorder()
	var wg sync.WaitGroup
	start := time.Now()
	for i := range *conc {
		wg.Go(func() {
			for ctx.Err() == nil {
				t := time.Now()
				status, cs, err := postJSON(ctx, cl, *base+"/auth/refresh", nil, "refresh_token="+refresh[i])
				rec.add(status, time.Since(t), err)
				if err != nil {
					continue
				}
				if status != http.StatusOK {
					return // the session is gone; counted as an error
				}
				if v := cookieValue(cs, "refresh_token"); v != "" {
					refresh[i] = v
				}
			}
		})
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("refresh concurrency=%d seconds=%.1f %s\n", *conc, el.Seconds(), rec.summary(el, 200))
	return nil
}
