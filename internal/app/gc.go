package app

import (
	"os"
	"runtime/debug"
	"strconv"
)

// gcPercent is a function's GOGC. A password check (argon2id, 19 MiB per
// hash) allocates more than a function keeps live (about 15 MiB): at Go's
// default of 100 nearly every sign-in runs a GC cycle of its own, and the
// runtime hands the freed pages back to the OS while the sign-in waits on
// DynamoDB, so the next hash faults them in again. At 800 several sign-ins
// share a cycle and the pages stay mapped.
const gcPercent = 800

// TuneGC sets the garbage collector of a function given memoryMiB of memory:
// GOGC 800, and a soft memory limit of three quarters of the function's
// memory so the larger heap goal never pushes it out of its memory (the
// collector runs sooner as the heap nears the limit). GOGC or GOMEMLIMIT
// set in the environment win. It returns a func that puts back what was.
func TuneGC(memoryMiB int) (restore func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" || memoryMiB <= 0 {
		return func() {}
	}
	oldPercent := debug.SetGCPercent(gcPercent)
	oldLimit := debug.SetMemoryLimit(int64(memoryMiB) << 20 / 4 * 3)
	return func() {
		debug.SetGCPercent(oldPercent)
		debug.SetMemoryLimit(oldLimit)
	}
}

// lambdaMemoryMiB is the memory Lambda gives the function (0 outside Lambda).
func lambdaMemoryMiB() int {
	mb, _ := strconv.Atoi(os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"))
	return mb
}
