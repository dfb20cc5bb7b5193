package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// errNoAPI is the error of a request served without an http.Server and
// without Config.API: the module has nothing to call.
var errNoAPI = errors.New("ui: no handler for the in-process API calls (set Config.API)")

// forwarded are the request headers an in-process call keeps, so that the
// API sees the caller as it is: its cookies, its client, the cross-origin
// signals the API's guard checks, and the proxy headers the rate limits
// read.
var forwarded = []string{"User-Agent", "Origin", "Referer", "Sec-Fetch-Site", "Sec-Fetch-Mode",
	"Sec-Fetch-Dest", "X-Forwarded-For", "X-Real-Ip", "X-Forwarded-Proto", "Accept-Language"}

// reply is the answer of one in-process call.
type reply struct {
	Status int
	Body   []byte
	Header http.Header
}

// OK reports a 2xx answer.
func (r reply) OK() bool { return r.Status >= 200 && r.Status < 300 }

// Code is the error body's code ("" for a success or a body without one).
func (r reply) Code() string { return r.errorBody().Code }

// Message is the error body's message.
func (r reply) Message() string { return r.errorBody().Message }

// Mounted reports that the route exists: anything but a 404 or 405 of the
// router (a resource's own 404 carries a code of its own).
func (r reply) Mounted() bool {
	if r.Status == http.StatusMethodNotAllowed {
		return false
	}
	if r.Status != http.StatusNotFound {
		return true
	}
	c := r.Code()
	return c != "" && c != "route_not_found"
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (r reply) errorBody() errorBody {
	var b errorBody
	if r.OK() {
		return b
	}
	_ = json.Unmarshal(r.Body, &b)
	return b
}

// Data decodes the body into a generic value for the templates (nil when
// it is not JSON).
func (r reply) Data() any {
	var v any
	if json.Unmarshal(r.Body, &v) != nil {
		return nil
	}
	return v
}

// caller makes the in-process calls of one page request. It starts from
// the request's cookies, keeps the cookies the answers set (a refresh, a
// sign-in) for the calls that follow, and copies every Set-Cookie to the
// page's own response.
type caller struct {
	m       *Module
	c       *gin.Context
	api     http.Handler
	cookies map[string]string
	order   []string
	me      map[string]any // the last GET /me answer (whoAmI)
}

func (m *Module) caller(c *gin.Context) *caller {
	k := &caller{m: m, c: c, api: m.cfg.API, cookies: map[string]string{}}
	if k.api == nil {
		if srv, ok := c.Request.Context().Value(http.ServerContextKey).(*http.Server); ok {
			k.api = srv.Handler
		}
	}
	for _, ck := range c.Request.Cookies() {
		k.set(ck.Name, ck.Value)
	}
	return k
}

func (k *caller) set(name, value string) {
	if _, ok := k.cookies[name]; !ok {
		k.order = append(k.order, name)
	}
	k.cookies[name] = value
}

// call sends method path (under the base path) with body (nil: none) as
// JSON. A GET that meets an expired access token refreshes once and
// retries, as the SDK does.
func (k *caller) call(method, path string, body any) (reply, error) {
	r, err := k.once(method, path, body)
	if err != nil || method != http.MethodGet || r.Status != http.StatusUnauthorized || r.Code() != "token_expired" {
		return r, err
	}
	if rr, err := k.once(http.MethodPost, "/refresh", nil); err != nil || !rr.OK() {
		return r, err
	}
	return k.once(method, path, body)
}

func (k *caller) once(method, path string, body any) (reply, error) {
	if k.api == nil {
		return reply{}, errNoAPI
	}
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return reply{}, err
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(k.c.Request.Context(), method, k.m.base+path, rd)
	if err != nil {
		return reply{}, err
	}
	in := k.c.Request
	req.Host, req.RemoteAddr, req.TLS = in.Host, in.RemoteAddr, in.TLS
	for _, h := range forwarded {
		if v := in.Header.Values(h); len(v) > 0 {
			req.Header[h] = v
		}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	var pairs []string
	for _, name := range k.order {
		if v := k.cookies[name]; v != "" {
			pairs = append(pairs, name+"="+v)
		}
	}
	if len(pairs) > 0 {
		req.Header.Set("Cookie", strings.Join(pairs, "; "))
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	k.api.ServeHTTP(rec, req)
	for _, line := range rec.header.Values("Set-Cookie") {
		k.c.Writer.Header().Add("Set-Cookie", line)
		if ck, err := http.ParseSetCookie(line); err == nil {
			if ck.MaxAge < 0 || ck.Value == "" {
				k.set(ck.Name, "")
			} else {
				k.set(ck.Name, ck.Value)
			}
		}
	}
	return reply{Status: rec.status, Body: rec.body.Bytes(), Header: rec.header}, nil
}

// recorder is the ResponseWriter of an in-process call.
type recorder struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.body.Write(b)
}
