package app

import (
	"runtime/debug"
	"testing"
)

// gcSettings reads GOGC and the memory limit without changing them.
func gcSettings() (percent int, limit int64) {
	percent = debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	return percent, debug.SetMemoryLimit(-1)
}

func TestTuneGC(t *testing.T) {
	tests := []struct {
		name        string
		gogc        string
		memoryMiB   int
		wantPercent int   // 0: unchanged
		wantLimit   int64 // 0: unchanged
	}{
		{"in Lambda", "", 1024, gcPercent, 768 << 20},
		{"a small function", "", 256, gcPercent, 192 << 20},
		{"GOGC set by the operator wins", "100", 1024, 0, 0},
		{"outside Lambda nothing changes", "", 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("GOGC", tc.gogc)
			t.Setenv("GOMEMLIMIT", "")
			beforePercent, beforeLimit := gcSettings()
			restore := TuneGC(tc.memoryMiB)
			percent, limit := gcSettings()
			restore()
			if tc.wantPercent == 0 {
				tc.wantPercent, tc.wantLimit = beforePercent, beforeLimit
			}
			if percent != tc.wantPercent || limit != tc.wantLimit {
				t.Fatalf("GOGC %d, limit %d; want %d, %d", percent, limit, tc.wantPercent, tc.wantLimit)
			}
			if p, l := gcSettings(); p != beforePercent || l != beforeLimit {
				t.Fatalf("not restored: GOGC %d, limit %d", p, l)
			}
		})
	}
}
