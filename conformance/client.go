package conformance

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// Client is one browser or machine talking to the harness server: its own
// cookie jar and optional default headers (a bearer key, an Origin...).
type Client struct {
	h      *Harness
	http   *http.Client
	mu     sync.Mutex
	header http.Header
}

// NewClient returns a client with an empty cookie jar.
func (h *Harness) NewClient() *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{
		h:      h,
		http:   &http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		header: http.Header{},
	}
}

// SetHeader sets a header sent with every later request ("" deletes it).
func (c *Client) SetHeader(key, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if value == "" {
		c.header.Del(key)
		return
	}
	c.header.Set(key, value)
}

// Bearer makes every later request carry `Authorization: Bearer key`.
func (c *Client) Bearer(key string) { c.SetHeader("Authorization", "Bearer "+key) }

// Cookie returns the value of the named cookie the jar would send to the
// server at path ("" if none).
func (c *Client) Cookie(name, path string) string {
	u, _ := url.Parse(c.h.URL + path)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// SetCookie puts a cookie in the jar for the server (Path "/").
func (c *Client) SetCookie(name, value string) {
	u, _ := url.Parse(c.h.URL + "/")
	c.http.Jar.SetCookies(u, []*http.Cookie{{Name: name, Value: value, Path: "/"}})
}

// Get, Post, Patch and Delete send a request; body (if not nil) is sent
// as JSON, or as is when it is a string or []byte.
func (c *Client) Get(path string) *Response { return c.Do(http.MethodGet, path, nil, nil) }

// Post sends a POST.
func (c *Client) Post(path string, body any) *Response {
	return c.Do(http.MethodPost, path, body, nil)
}

// Patch sends a PATCH.
func (c *Client) Patch(path string, body any) *Response {
	return c.Do(http.MethodPatch, path, body, nil)
}

// Delete sends a DELETE.
func (c *Client) Delete(path string) *Response { return c.Do(http.MethodDelete, path, nil, nil) }

// Do sends a request with extra headers for this request only.
func (c *Client) Do(method, path string, body any, header http.Header) *Response {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			return &Response{Err: err}
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.h.URL+path, rd)
	if err != nil {
		return &Response{Err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.mu.Lock()
	for k, v := range c.header {
		req.Header[k] = append([]string(nil), v...)
	}
	c.mu.Unlock()
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return &Response{Err: err, Method: method, Path: path}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: data, Cookies: resp.Cookies(), Err: err, Method: method, Path: path}
}

// Response is a completed request.
type Response struct {
	Method, Path string
	Status       int
	Header       http.Header
	Body         []byte
	// Cookies are the Set-Cookie headers of the response, parsed.
	Cookies []*http.Cookie
	// Err is a transport error.
	Err error
}

// Expect fails t unless the response has the status and, when given, the
// error code. It returns r for chaining.
func (r *Response) Expect(t *testing.T, status int, code ...string) *Response {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, r.Err)
	}
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d; body %s", r.Method, r.Path, r.Status, status, r.Body)
	}
	if len(code) > 0 {
		if got := r.Code(); got != code[0] {
			t.Fatalf("%s %s: code %q, want %q; body %s", r.Method, r.Path, got, code[0], r.Body)
		}
	}
	return r
}

// Decode unmarshals the JSON body into v, failing t on error.
func (r *Response) Decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("%s %s: decode %T: %v; body %s", r.Method, r.Path, v, err, r.Body)
	}
}

// Code returns the `code` of an error body ("" if there is none).
func (r *Response) Code() string {
	var e ErrorBody
	_ = json.Unmarshal(r.Body, &e)
	return e.Code
}

// SetCookie returns the response's Set-Cookie of that name, or nil.
func (r *Response) SetCookie(name string) *http.Cookie {
	for _, c := range r.Cookies {
		if c.Name == name {
			return c
		}
	}
	return nil
}
