package web

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
)

// A page that shows a secret once (a temporary password, a new practice
// code word, recovery codes) redirects after its POST like every other
// form, so a reload never repeats the change. The secret crosses the
// redirect in a cookie that lives a minute, sealed (AES-256-GCM) with a key
// derived from the browser's session token and bound to the page it is
// for: the server keeps neither the secret nor the key, another browser or
// session cannot open it, and the page deletes it when it shows it.
const (
	onceCookie = "__Host-gatehouse_once"
	onceLife   = time.Minute
)

// errNoSession: a secret is shown once only to a signed-in browser.
var errNoSession = errors.New("show once: no session cookie")

func onceCipher(r *http.Request) (cipher.AEAD, error) {
	c, err := r.Cookie(auth.CookieName)
	if err != nil || c.Value == "" {
		return nil, errNoSession
	}
	key, err := hkdf.Key(sha256.New, []byte(c.Value), nil, "gatehouse show-once v1", 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// ShowOnce seals v for the page at path and redirects there (303).
func ShowOnce(w http.ResponseWriter, r *http.Request, path string, v any) error {
	aead, err := onceCipher(r)
	if err != nil {
		return err
	}
	plain, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("show once: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	_, _ = rand.Read(nonce)
	sealed := aead.Seal(nonce, nonce, plain, []byte(path))
	http.SetCookie(w, &http.Cookie{Name: onceCookie, Value: base64.RawURLEncoding.EncodeToString(sealed), Path: "/",
		MaxAge: int(onceLife / time.Second), HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	return Redirect(w, r, path)
}

// TakeOnce opens the secret sealed for this page into v and deletes the
// cookie; false when there is none for this page and session (a reload,
// another page, an expired or forged cookie).
func TakeOnce(w http.ResponseWriter, r *http.Request, v any) bool {
	c, err := r.Cookie(onceCookie)
	if err != nil {
		return false
	}
	http.SetCookie(w, &http.Cookie{Name: onceCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
	aead, err := onceCipher(r)
	if err != nil {
		return false
	}
	sealed, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(sealed) < aead.NonceSize() {
		return false
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], []byte(r.URL.Path))
	return err == nil && json.Unmarshal(plain, v) == nil
}
