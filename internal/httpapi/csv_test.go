package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+x": "'+x", "-x": "'-x", "@x": "'@x", "\tx": "'\tx", "\rx": "'\rx", "ok": "ok", "": ""} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCSV(t *testing.T) {
	tests := []struct {
		name   string
		pages  [][][]string
		err    error
		body   string
		status int
		aborts bool
	}{
		{name: "pages", pages: [][][]string{{{"a", "b"}}, {{"c", "d,e"}}}, body: "x,y\na,b\nc,\"d,e\"\n", status: 200},
		{name: "empty still has its header", body: "x,y\n", status: 200},
		{name: "error before the first page is an answer", err: errors.New("boom"), status: 0},
		{name: "error after a page aborts", pages: [][][]string{{{"a", "b"}}}, err: errors.New("boom"), aborts: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			c := NewCSV(rec, "t.csv", []string{"x", "y"})
			for _, p := range tc.pages {
				if err := c.Write(p); err != nil {
					t.Fatal(err)
				}
			}
			defer func() {
				p := recover()
				if tc.aborts != (p == http.ErrAbortHandler) {
					t.Fatalf("panic %v, want abort %v", p, tc.aborts)
				}
			}()
			err := c.Close(tc.err)
			if tc.err != nil {
				if err != tc.err {
					t.Fatalf("Close = %v", err)
				}
				return
			}
			if rec.Code != tc.status || rec.Body.String() != tc.body || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" {
				t.Fatalf("%d %q %v", rec.Code, rec.Body.String(), rec.Header())
			}
		})
	}
}
