// Package ident makes opaque, roughly time-ordered identifiers.
package ident

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"strings"
	"time"
)

var enc = base32.NewEncoding("0123456789abcdefghijklmnopqrstuv").WithPadding(base32.NoPadding)

// New returns a 26-character id: 48 bits of milliseconds then 80 random bits,
// so ids sort by creation time and cannot be guessed.
func New() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(time.Now().UnixMilli())<<16)
	if _, err := rand.Read(b[6:]); err != nil {
		panic("ident: crypto/rand failed: " + err.Error()) // the OS RNG never fails on Linux
	}
	return strings.ToLower(enc.EncodeToString(b[:]))
}

// OrgID identifies an organization. It is its own type so that a store call
// taking an org and another id cannot have them swapped and still compile.
type OrgID string

// String returns the id as stored and shown.
func (o OrgID) String() string { return string(o) }

// NewOrgID returns a new organization id.
func NewOrgID() OrgID { return OrgID(New()) }
