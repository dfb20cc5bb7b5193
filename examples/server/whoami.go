package main

import (
	"encoding/json"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/fastauth/fastauth/ginauth"
)

// whoamiBody is the answer of the demo routes.
type whoamiBody struct {
	UserID           string       `json:"user_id"`
	Email            string       `json:"email"`
	OrganizationID   string       `json:"organization_id"`
	OrganizationRole ginauth.Role `json:"organization_role"`
}

// whoami answers the authenticated principal. The guards in front of it
// guarantee one; the check keeps a misconfigured route from panicking.
// The body is the bytes c.JSON writes for a whoamiBody, encoded without
// reflection (writeJSON): the demo routes are the ones load tests hit.
func whoami(c *gin.Context) {
	p, ok := ginauth.PrincipalFrom(c)
	if !ok {
		c.AbortWithStatusJSON(http.StatusUnauthorized, ginauth.ErrorBody{Code: ginauth.CodeInvalidToken, Message: "authentication required"})
		return
	}
	writeJSON(c, whoamiBody{
		UserID:           p.UserID,
		Email:            p.Email,
		OrganizationID:   p.OrganizationID,
		OrganizationRole: p.OrganizationRole,
	})
}

// jsonBody is a response body that encodes itself as json.Marshal would.
type jsonBody interface {
	appendJSON(dst []byte) []byte
}

// writeJSON answers 200 with b: the status, Content-Type and bytes c.JSON
// writes, encoded without reflection into a pooled buffer. (A type
// parameter rather than an interface argument, so that b is not boxed.)
func writeJSON[B jsonBody](c *gin.Context, b B) {
	buf := whoamiBuffers.Get().(*[]byte)
	*buf = b.appendJSON((*buf)[:0])
	c.Writer.Header()["Content-Type"] = jsonContentType // what c.JSON sets
	c.Status(http.StatusOK)
	_, _ = c.Writer.Write(*buf) // a failed write is the client gone
	whoamiBuffers.Put(buf)
}

// jsonContentType is the Content-Type value c.JSON writes, shared (never
// modified) so that setting it allocates nothing.
var jsonContentType = []string{"application/json; charset=utf-8"}

// whoamiBuffers holds the encoding buffers of writeJSON, reused once the
// body is written.
var whoamiBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// appendJSON appends to dst what json.Marshal returns for b.
func (b whoamiBody) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"user_id":`...)
	dst = appendJSONString(dst, b.UserID)
	dst = append(dst, `,"email":`...)
	dst = appendJSONString(dst, b.Email)
	dst = append(dst, `,"organization_id":`...)
	dst = appendJSONString(dst, b.OrganizationID)
	dst = append(dst, `,"organization_role":`...)
	dst = appendJSONString(dst, string(b.OrganizationRole))
	return append(dst, '}')
}

// appendJSONString appends s as json.Marshal encodes a string: as is
// between quotes when every byte is printable ASCII that encoding/json
// leaves alone (ids, roles and almost every email), and by json.Marshal
// itself otherwise (its escaping of quotes, backslashes, control bytes,
// HTML characters and non-ASCII text).
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			js, err := json.Marshal(s)
			if err != nil { // never for a string
				return append(dst, `""`...)
			}
			return append(dst, js...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}
