//go:build unix

package month

import "syscall"

// processCPU returns the CPU time the process has used (user + system, all
// threads, garbage collector included), in nanoseconds.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
