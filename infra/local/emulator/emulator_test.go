package emulator

import (
	"os/exec"
	"testing"
	"time"
)

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

// A process that ended by itself must not make Stop wait, however many
// times its end was already observed (the local stack watches every emulator).
func TestStopAfterTheProcessEnded(t *testing.T) {
	p, err := start("sleeper", exec.Command("sh", "-c", "exit 3"), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	<-p.Exited()
	<-p.Exited()
	if p.Err() == nil {
		t.Fatal("exit status 3 not reported")
	}
	stopped := make(chan struct{})
	go func() { p.Stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatal("Stop hangs on an ended process")
	}
}
