package emulator

import "testing"

func TestJavaMajor(t *testing.T) {
	tests := []struct {
		out  string
		want int
	}{
		{`openjdk version "17.0.15" 2025-04-15`, 17},
		{`java version "1.8.0_401"`, 8},
		{`openjdk version "21" 2023-09-19`, 21},
		{`garbage`, 0},
	}
	for _, tc := range tests {
		if got := javaMajor(tc.out); got != tc.want {
			t.Errorf("javaMajor(%q) = %d, want %d", tc.out, got, tc.want)
		}
	}
}
