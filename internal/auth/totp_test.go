package auth_test

import (
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/gatehouse-dev/gatehouse/internal/auth"
)

// RFC 6238 appendix B: SHA1, 8 digits, the ASCII secret "12345678901234567890".
func TestTOTPMatchesRFC6238Vectors(t *testing.T) {
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" // base32 of "12345678901234567890"
	opts := totp.ValidateOpts{Period: 30, Digits: otp.DigitsEight, Algorithm: otp.AlgorithmSHA1}
	for _, tc := range []struct {
		name string
		unix int64
		code string
	}{
		{"1970-01-01 00:00:59", 59, "94287082"},
		{"2005-03-18 01:58:29", 1111111109, "07081804"},
		{"2005-03-18 01:58:31", 1111111111, "14050471"},
		{"2009-02-13 23:31:30", 1234567890, "89005924"},
		{"2033-05-18 03:33:20", 2000000000, "69279037"},
		{"2603-10-11 11:33:20", 20000000000, "65353130"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := time.Unix(tc.unix, 0).UTC()
			if ok, err := totp.ValidateCustom(tc.code, secret, at, opts); err != nil || !ok {
				t.Fatalf("library refused the RFC code: %v %v", ok, err)
			}
			step, ok := auth.TOTPStep(tc.code, secret, at, opts)
			if !ok || step != tc.unix/30 {
				t.Fatalf("TOTPStep = %d, %v; want %d", step, ok, tc.unix/30)
			}
			// One step either side is accepted (clock drift); two are not.
			if _, ok := auth.TOTPStep(tc.code, secret, at.Add(30*time.Second), opts); !ok {
				t.Fatal("code of the previous step refused")
			}
			if _, ok := auth.TOTPStep(tc.code, secret, at.Add(61*time.Second), opts); ok {
				t.Fatal("code two steps old accepted")
			}
			if _, ok := auth.TOTPStep("12345678", secret, at, opts); ok {
				t.Fatal("a wrong code accepted")
			}
		})
	}
}
